package io.jenkins.plugins.awsdelivery.portworx;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.BuildListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
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
import java.io.IOException;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Portworx snapshot as a freestyle build step. It holds a {@link PxSnapshotStep} (the {@code pxSnapshot} Pipeline
 * step) as its configuration, so both take the same parameters with the same validation and help. The build holds
 * its executor while it waits for the snapshot and the restore; unlike the Pipeline step, the wait does not survive
 * a controller restart.
 * <p>A plain {@link Builder}, deliberately not a {@code SimpleBuildStep}: Pipeline has the step itself, and a
 * {@code SimpleBuildStep} with a symbol would be offered there a second time, through the {@code step} meta-step.
 */
public final class PxSnapshotBuilder extends Builder {

    private final PxSnapshotStep step;

    @DataBoundConstructor
    public PxSnapshotBuilder(PxSnapshotStep step) {
        this.step = step;
    }

    /** The parameters, exactly as the Pipeline step takes them. */
    public PxSnapshotStep getStep() {
        return step;
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> run, Launcher launcher, BuildListener listener)
            throws InterruptedException, IOException {
        PxSnapshotResult result;
        try {
            PxSnapshotRequest request = step.toRequest(run.getParent().getFullName(), run.getNumber());
            KubernetesConnection.Resolved resolved = step.connection().resolve(run);
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
            throw new AbortException(Messages.PxSnapshotBuilder_Failed(result.status(), result.reason()));
        }
        return true;
    }

    @Extension
    @Symbol("pxSnapshot")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PxSnapshotBuilder_DisplayName();
        }
    }
}
