package io.jenkins.plugins.awsdelivery.trivy;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.BuildListener;
import hudson.model.Result;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import java.io.IOException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Trivy scan to AWS Security Hub as a freestyle build step. It holds a {@link TrivyScanToSecurityHubStep} (the
 * {@code trivyScanToSecurityHub} Pipeline step) as its configuration, so both take the same parameters with the
 * same validation and help. The report is read (or trivy run) in the build's workspace on its agent.
 * <p>A plain {@link Builder}, deliberately not a {@code SimpleBuildStep}: Pipeline has the step itself, and a
 * {@code SimpleBuildStep} with a symbol would be offered there a second time, through the {@code step} meta-step.
 */
public final class TrivyScanToSecurityHubBuilder extends Builder {

    private final TrivyScanToSecurityHubStep step;

    @DataBoundConstructor
    public TrivyScanToSecurityHubBuilder(TrivyScanToSecurityHubStep step) {
        this.step = step;
    }

    /** The parameters, exactly as the Pipeline step takes them. */
    public TrivyScanToSecurityHubStep getStep() {
        return step;
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> run, Launcher launcher, BuildListener listener)
            throws InterruptedException, IOException {
        FilePath workspace = run.getWorkspace();
        if (workspace == null) {
            throw new AbortException(Messages.TrivyScanToSecurityHubBuilder_NoWorkspace());
        }
        TrivyScanResult result = TrivyStageRun.run(step, step.connection(), run, workspace, launcher, listener);
        if (!result.gatePassed()) {
            String message = Messages.TrivyScanToSecurityHubBuilder_GateFailed(
                    String.join(", ", result.gatingIssues().stream().limit(20).toList()));
            if (!result.markUnstable()) {
                throw new AbortException(message);
            }
            listener.getLogger().println(message);
            run.setResult(Result.UNSTABLE);
        }
        return true;
    }

    @Extension
    @Symbol("trivyScanToSecurityHub")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.TrivyScanToSecurityHubBuilder_DisplayName();
        }
    }
}
