package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * What Stork and CSI snapshots have in common: a snapshot kind for one claim and a group snapshot kind for a
 * label selection, of which the request uses one.
 */
abstract sealed class SnapshotKinds implements SnapshotApi permits StorkSnapshots, CsiSnapshots {

    protected final PxSnapshotRequest request;
    protected final Kind volumeSnapshots;
    protected final Kind groupSnapshots;
    private final String owner;

    /** @param owner how messages name the APIs, such as "Stork's" or "the CSI" */
    SnapshotKinds(PxSnapshotRequest request, Kind volumeSnapshots, Kind groupSnapshots, String owner) {
        this.request = request;
        this.volumeSnapshots = volumeSnapshots;
        this.groupSnapshots = groupSnapshots;
        this.owner = owner;
    }

    /** Whether the cluster serves what this request needs; null when it does, else what to install. */
    public String missing() {
        if (!volumeSnapshots.served()) {
            return owner + " " + volumeSnapshots.context().getKind() + " API (" + volumeSnapshots.apiVersion() + ")";
        }
        if (request.group() && !groupSnapshots.served()) {
            return owner + " " + groupSnapshots.context().getKind() + " API (" + groupSnapshots.apiVersion() + ")";
        }
        return null;
    }

    /** The kind this request snapshots with. */
    protected Kind kind() {
        return request.group() ? groupSnapshots : volumeSnapshots;
    }

    @Override
    public String resource() {
        return kind().resource();
    }

    @Override
    public GenericKubernetesResource find(String name) {
        return kind().get(request.namespace(), name);
    }
}
