package io.jenkins.plugins.awsdelivery.health;

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
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.health.HealthEndpoints;
import io.jenkins.plugins.awsdelivery.core.health.HealthGate;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.io.IOException;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * AWS Health gate as a freestyle build step. It holds a {@link AwsHealthGateStep} (the {@code awsHealthGate}
 * Pipeline step) as its configuration, so both take the same parameters with the same validation and help. The
 * build holds its executor while it holds for open events; unlike the Pipeline step, the wait does not survive a
 * controller restart.
 * <p>A plain {@link Builder}, deliberately not a {@code SimpleBuildStep}: Pipeline has the step itself, and a
 * {@code SimpleBuildStep} with a symbol would be offered there a second time, through the {@code step} meta-step.
 */
public final class AwsHealthGateBuilder extends Builder {

    private final AwsHealthGateStep step;

    @DataBoundConstructor
    public AwsHealthGateBuilder(AwsHealthGateStep step) {
        this.step = step;
    }

    /** The parameters, exactly as the Pipeline step takes them. */
    public AwsHealthGateStep getStep() {
        return step;
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> run, Launcher launcher, BuildListener listener)
            throws InterruptedException, IOException {
        HealthGateResult result;
        try {
            HealthGateRequest request = step.toRequest();
            ResolvedAws aws = step.connection().resolve(run, listener);
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                HealthGate gate = new HealthGate(request, aws.settings().region(),
                        HealthEndpoints.forPartition(factory,
                                AwsDeliveryStagesConfiguration.get().healthPassiveEndpointUri()),
                        factory.calls(), Clock.systemUTC(),
                        StageLogs.of(listener, aws.secrets()));
                result = gate.runBlocking(new BlockingWaiter(new WaitEngine(gate.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        StageLogs.apply(run, result);
        return true;
    }

    @Extension
    @Symbol("awsHealthGate")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.AwsHealthGateBuilder_DisplayName();
        }
    }
}
