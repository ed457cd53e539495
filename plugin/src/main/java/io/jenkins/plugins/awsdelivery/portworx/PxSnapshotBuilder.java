package io.jenkins.plugins.awsdelivery.portworx;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractProject;
import hudson.model.Run;
import hudson.model.TaskListener;
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
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Portworx snapshot as a freestyle build step. It holds a {@link PxSnapshotStep} (the {@code pxSnapshot} Pipeline
 * step) as its configuration, so both take the same parameters with the same validation and help. The build holds
 * its executor while it waits for the snapshot and the restore; unlike the Pipeline step, the wait does not survive
 * a controller restart.
 */
public final class PxSnapshotBuilder extends Builder implements SimpleBuildStep {

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
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
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
    }
}
