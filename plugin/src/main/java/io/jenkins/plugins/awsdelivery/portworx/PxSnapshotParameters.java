package io.jenkins.plugins.awsdelivery.portworx;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.core.portworx.SnapshotMethod;
import io.jenkins.plugins.awsdelivery.kubernetes.KubernetesConnection;

/** The parameters the Pipeline step and the freestyle build step share, and the one way they become a request. */
interface PxSnapshotParameters {

    String getNamespace();

    String getPvc();

    String getPvcSelector();

    String getMethod();

    String getSnapshotClass();

    String getPreSnapshotRule();

    String getPostSnapshotRule();

    String getFreezeCommand();

    String getUnfreezeCommand();

    String getFreezePod();

    String getFreezeContainer();

    String getRestoreTo();

    String getRestoredClaim();

    String getStagingWorkload();

    String getStagingVolume();

    int getRetain();

    boolean isDeleteRestoredClaims();

    boolean isKeepOnFailure();

    String getTimeout();

    String getCredentialsId();

    String getContext();

    String getServerUrl();

    String getCaCertificate();

    /** @throws io.jenkins.plugins.awsdelivery.core.StageException when a parameter is invalid */
    default PxSnapshotRequest toRequest(String job, int build) {
        return PxSnapshotRequest.builder(getNamespace(), job, build)
                .pvc(getPvc()).pvcSelector(PxSnapshotRequest.parseSelector(getPvcSelector()))
                .method(SnapshotMethod.parse(getMethod())).snapshotClass(getSnapshotClass())
                .rules(getPreSnapshotRule(), getPostSnapshotRule())
                .freeze(getFreezeCommand(), getUnfreezeCommand()).freezePod(getFreezePod(), getFreezeContainer())
                .restoreTo(getRestoreTo()).restoredClaim(getRestoredClaim())
                .staging(getStagingWorkload(), getStagingVolume())
                .retain(getRetain(), isDeleteRestoredClaims()).keepOnFailure(isKeepOnFailure())
                .timeout(getTimeout() == null ? null : DurationText.parse("timeout", getTimeout()))
                .build();
    }

    default KubernetesConnection connection() {
        return new KubernetesConnection(getCredentialsId(), getContext(), getServerUrl(), getCaCertificate());
    }
}
