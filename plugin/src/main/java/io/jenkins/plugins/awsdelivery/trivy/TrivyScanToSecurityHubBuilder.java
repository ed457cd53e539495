package io.jenkins.plugins.awsdelivery.trivy;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractProject;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import java.io.IOException;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Trivy scan to AWS Security Hub as a freestyle build step. It holds a {@link TrivyScanToSecurityHubStep} (the
 * {@code trivyScanToSecurityHub} Pipeline step) as its configuration, so both take the same parameters with the
 * same validation and help. The report is read (or trivy run) in the build's workspace on its agent.
 */
public final class TrivyScanToSecurityHubBuilder extends Builder implements SimpleBuildStep {

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
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        TrivyScanResult result = TrivyStageRun.run(step, step.connection(), run, workspace, launcher, listener);
        if (!result.gatePassed()) {
            String message = "Trivy gate failed: " + String.join(", ", result.gatingIssues().stream().limit(20)
                    .toList());
            if (!result.markUnstable()) {
                throw new AbortException(message);
            }
            listener.getLogger().println(message);
            run.setResult(Result.UNSTABLE);
        }
    }

    @Extension
    @Symbol("trivyScanToSecurityHubBuilder")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Trivy scan to AWS Security Hub";
        }
    }
}
