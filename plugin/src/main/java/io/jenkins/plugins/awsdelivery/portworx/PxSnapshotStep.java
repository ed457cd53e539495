package io.jenkins.plugins.awsdelivery.portworx;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesClientFactory;
import io.jenkins.plugins.awsdelivery.core.portworx.FabricPodExec;
import io.jenkins.plugins.awsdelivery.core.portworx.PxProgress;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshot;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotResult;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import io.jenkins.plugins.awsdelivery.kubernetes.KubernetesConnection;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.wait.PollingStepExecution;
import java.io.Serializable;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code pxSnapshot}: a writable Portworx snapshot of production claims (Stork or CSI), optionally restored as
 * staging claims with a staging workload pointed at them. Anything but COMPLETED fails the step. The waits hold no
 * executor thread and survive a controller restart.
 */
public final class PxSnapshotStep extends Step implements PxSnapshotParameters, Serializable {

    private static final long serialVersionUID = 1L;

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
    public PxSnapshotStep(String namespace) {
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
    public StepExecution start(StepContext context) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        try {
            return new Execution(context, toRequest(run.getParent().getFullName(), run.getNumber()), connection());
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
    }

    /**
     * Creates the snapshot on a worker, then looks at it (and the restore and rollout) until the end. Its progress
     * is saved before the freeze and once the snapshot exists, so a resumed step finds its snapshot (the name comes
     * from job and build) and still unfreezes. An abort unfreezes first, then deletes, on a worker.
     */
    static final class Execution extends PollingStepExecution<PxSnapshotResult> {

        private static final long serialVersionUID = 1L;

        private final PxSnapshotRequest request;
        private final KubernetesConnection connection;
        private PxProgress progress;
        private transient PxSnapshot stage;
        private transient KubernetesClient client;

        Execution(StepContext context, PxSnapshotRequest request, KubernetesConnection connection) {
            super(context, request.waitPolicy());
            this.request = request;
            this.connection = connection;
        }

        @Override
        protected WaitState begin() throws Exception {
            PxSnapshot s = stage();
            progress = s.progress();
            s.start(this::checkpoint);
            return s.startWait();
        }

        @Override
        protected PollOutcome<PxSnapshotResult> pollOnce() throws Exception {
            PollOutcome<PxSnapshotResult> outcome = stage().pollOnce();
            progress = stage().progress();
            return outcome;
        }

        @Override
        protected void finish(WaitDecision<PxSnapshotResult> decision) throws Exception {
            PxSnapshotResult result = stage().result(decision);
            if (result.passed()) {
                getContext().onSuccess(result.toMap());
            } else {
                getContext().onFailure(new AbortException("pxSnapshot " + result.status() + ": " + result.reason()));
            }
        }

        @Override
        protected String stopMessage() {
            return "pxSnapshot stopped; unfreezing the application (if frozen) and removing this run's objects in "
                    + "the background.";
        }

        @Override
        protected void cleanUpAfterStop(Throwable cause) throws Exception {
            if (progress == null || progress.phase() == PxProgress.Phase.DONE) {
                return;
            }
            List<String> deleted = stage().aborted();
            listener().getLogger().println("pxSnapshot clean-up after the abort finished"
                    + (deleted.isEmpty() ? "." : "; deleted " + deleted + "."));
        }

        @Override
        protected void release() {
            if (client != null) {
                client.close();
                client = null;
                stage = null;
            }
        }

        private PxSnapshot stage() throws Exception {
            if (stage == null) {
                Run<?, ?> run = getContext().get(Run.class);
                TaskListener listener = getContext().get(TaskListener.class);
                KubernetesConnection.Resolved resolved = connection.resolve(run);
                client = KubernetesClientFactory.create(resolved.settings());
                stage = new PxSnapshot(request, client, new FabricPodExec(client), Clock.systemUTC(),
                        StageLogs.of(listener, resolved.secrets()), progress);
            }
            return stage;
        }
    }

    @Extension
    @Symbol("pxSnapshot")
    public static final class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "pxSnapshot";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PxSnapshotStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
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
