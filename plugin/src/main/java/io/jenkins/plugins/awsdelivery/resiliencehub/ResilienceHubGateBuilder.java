package io.jenkins.plugins.awsdelivery.resiliencehub;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.BuildListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGate;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.io.IOException;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Resilience Hub gate as a freestyle build step. It holds a {@link ResilienceHubGateStep} (the
 * {@code resilienceHubGate} Pipeline step) as its configuration, so both take the same parameters with the same
 * validation and help. The build holds its executor while it waits; unlike the Pipeline step, the wait does not
 * survive a controller restart (a rerun finds the assessment by its name and does not start another).
 * <p>A plain {@link Builder}, deliberately not a {@code SimpleBuildStep}: Pipeline has the step itself, and a
 * {@code SimpleBuildStep} with a symbol would be offered there a second time, through the {@code step} meta-step.
 */
public final class ResilienceHubGateBuilder extends Builder {

    private final ResilienceHubGateStep step;

    @DataBoundConstructor
    public ResilienceHubGateBuilder(ResilienceHubGateStep step) {
        this.step = step;
    }

    /** The parameters, exactly as the Pipeline step takes them. */
    public ResilienceHubGateStep getStep() {
        return step;
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> run, Launcher launcher, BuildListener listener)
            throws InterruptedException, IOException {
        ResilienceHubGateResult result;
        try {
            ResilienceHubGateRequest request = step.toRequest(run.getParent().getFullName(), run.getNumber());
            ResolvedAws aws = step.connection().resolve(run, listener);
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                ResilienceHubGate gate = new ResilienceHubGate(request, factory, Clock.systemUTC(),
                        StageLogs.of(listener, aws.secrets()));
                result = gate.run(new BlockingWaiter(new WaitEngine(gate.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        StageLogs.apply(run, result);
        return true;
    }

    @Extension
    @Symbol("resilienceHubGate")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ResilienceHubGateBuilder_DisplayName();
        }
    }
}
