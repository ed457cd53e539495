package io.jenkins.plugins.awsdelivery.portworx;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesClientFactory;
import io.jenkins.plugins.awsdelivery.core.portworx.FabricPodExec;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshot;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.kubernetes.KubernetesConnection;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import java.io.IOException;
import java.time.Clock;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Portworx snapshot as a freestyle build step. The build holds its executor while it waits; unlike the Pipeline
 * step, the wait does not survive a controller restart.
 */
public final class PxSnapshotBuilder extends Builder implements SimpleBuildStep, PxSnapshotParameters {

    private final String namespace;
    private String pvc;
    private String pvcSelector;
    private String method = "auto";
    private String snapshotClass;
    private String preSnapshotRule;
    private String postSnapshotRule;
    private String freezeCommand;
    private String unfreezeCommand;
    private String freezePod;
    private String freezeContainer;
    private String restoreTo;
    private String restoredClaim;
    private String stagingWorkload;
    private String stagingVolume;
    private int retain = 0;
    private boolean deleteRestoredClaims = false;
    private boolean keepOnFailure = false;
    private String timeout;
    private String credentialsId;
    private String context;
    private String serverUrl;
    private String caCertificate;

    @DataBoundConstructor
    public PxSnapshotBuilder(String namespace) {
        this.namespace = Util.fixEmptyAndTrim(namespace);
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    @Override
    public String getPvc() {
        return pvc;
    }

    @DataBoundSetter
    public void setPvc(String pvc) {
        this.pvc = Util.fixEmptyAndTrim(pvc);
    }

    @Override
    public String getPvcSelector() {
        return pvcSelector;
    }

    @DataBoundSetter
    public void setPvcSelector(String pvcSelector) {
        this.pvcSelector = Util.fixEmptyAndTrim(pvcSelector);
    }

    @Override
    public String getMethod() {
        return method;
    }

    @DataBoundSetter
    public void setMethod(String method) {
        this.method = Util.fixEmptyAndTrim(method);
    }

    @Override
    public String getSnapshotClass() {
        return snapshotClass;
    }

    @DataBoundSetter
    public void setSnapshotClass(String snapshotClass) {
        this.snapshotClass = Util.fixEmptyAndTrim(snapshotClass);
    }

    @Override
    public String getPreSnapshotRule() {
        return preSnapshotRule;
    }

    @DataBoundSetter
    public void setPreSnapshotRule(String preSnapshotRule) {
        this.preSnapshotRule = Util.fixEmptyAndTrim(preSnapshotRule);
    }

    @Override
    public String getPostSnapshotRule() {
        return postSnapshotRule;
    }

    @DataBoundSetter
    public void setPostSnapshotRule(String postSnapshotRule) {
        this.postSnapshotRule = Util.fixEmptyAndTrim(postSnapshotRule);
    }

    @Override
    public String getFreezeCommand() {
        return freezeCommand;
    }

    @DataBoundSetter
    public void setFreezeCommand(String freezeCommand) {
        this.freezeCommand = Util.fixEmptyAndTrim(freezeCommand);
    }

    @Override
    public String getUnfreezeCommand() {
        return unfreezeCommand;
    }

    @DataBoundSetter
    public void setUnfreezeCommand(String unfreezeCommand) {
        this.unfreezeCommand = Util.fixEmptyAndTrim(unfreezeCommand);
    }

    @Override
    public String getFreezePod() {
        return freezePod;
    }

    @DataBoundSetter
    public void setFreezePod(String freezePod) {
        this.freezePod = Util.fixEmptyAndTrim(freezePod);
    }

    @Override
    public String getFreezeContainer() {
        return freezeContainer;
    }

    @DataBoundSetter
    public void setFreezeContainer(String freezeContainer) {
        this.freezeContainer = Util.fixEmptyAndTrim(freezeContainer);
    }

    @Override
    public String getRestoreTo() {
        return restoreTo;
    }

    @DataBoundSetter
    public void setRestoreTo(String restoreTo) {
        this.restoreTo = Util.fixEmptyAndTrim(restoreTo);
    }

    @Override
    public String getRestoredClaim() {
        return restoredClaim;
    }

    @DataBoundSetter
    public void setRestoredClaim(String restoredClaim) {
        this.restoredClaim = Util.fixEmptyAndTrim(restoredClaim);
    }

    @Override
    public String getStagingWorkload() {
        return stagingWorkload;
    }

    @DataBoundSetter
    public void setStagingWorkload(String stagingWorkload) {
        this.stagingWorkload = Util.fixEmptyAndTrim(stagingWorkload);
    }

    @Override
    public String getStagingVolume() {
        return stagingVolume;
    }

    @DataBoundSetter
    public void setStagingVolume(String stagingVolume) {
        this.stagingVolume = Util.fixEmptyAndTrim(stagingVolume);
    }

    @Override
    public int getRetain() {
        return retain;
    }

    @DataBoundSetter
    public void setRetain(int retain) {
        this.retain = retain;
    }

    @Override
    public boolean isDeleteRestoredClaims() {
        return deleteRestoredClaims;
    }

    @DataBoundSetter
    public void setDeleteRestoredClaims(boolean deleteRestoredClaims) {
        this.deleteRestoredClaims = deleteRestoredClaims;
    }

    @Override
    public boolean isKeepOnFailure() {
        return keepOnFailure;
    }

    @DataBoundSetter
    public void setKeepOnFailure(boolean keepOnFailure) {
        this.keepOnFailure = keepOnFailure;
    }

    @Override
    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = Util.fixEmptyAndTrim(timeout);
    }

    @Override
    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    @Override
    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = Util.fixEmptyAndTrim(context);
    }

    @Override
    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String serverUrl) {
        this.serverUrl = Util.fixEmptyAndTrim(serverUrl);
    }

    @Override
    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = Util.fixEmptyAndTrim(caCertificate);
    }

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        PxSnapshotResult result;
        try {
            PxSnapshotRequest request = toRequest(run.getParent().getFullName(), run.getNumber());
            KubernetesConnection.Resolved resolved = connection().resolve(run);
            try (KubernetesClient client = KubernetesClientFactory.create(resolved.settings())) {
                PxSnapshot stage = new PxSnapshot(request, client, new FabricPodExec(client), Clock.systemUTC(),
                        StageLogs.of(listener, resolved.secrets()));
                result = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        listener.getLogger().println(result.reason());
        if (!result.passed()) {
            throw new AbortException("pxSnapshot " + result.status() + ": " + result.reason());
        }
    }

    @Extension
    @Symbol("pxSnapshotBuilder")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Portworx snapshot";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return KubernetesConnection.fillCredentialsIdItems(item, credentialsId);
        }

        public ListBoxModel doFillMethodItems() {
            return AwsStepForms.options("auto", "stork", "csi");
        }

        @POST
        public FormValidation doCheckNamespace(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Name the claims' namespace.")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckPvcSelector(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            try {
                PxSnapshotRequest.parseSelector(value);
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckStagingWorkload(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            String v = Util.fixEmptyAndTrim(value);
            return v == null || v.matches("(?i)(deployment|statefulset|deploy|sts)/.+") ? FormValidation.ok()
                    : FormValidation.error("Write it as deployment/NAME or statefulset/NAME.");
        }

        @POST
        public FormValidation doCheckTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "timeout", value);
        }
    }
}
