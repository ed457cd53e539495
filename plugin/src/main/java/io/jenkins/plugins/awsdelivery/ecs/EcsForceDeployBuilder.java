package io.jenkins.plugins.awsdelivery.ecs;

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
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.io.IOException;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * ECS force deploy as a freestyle build step. It holds a {@link EcsForceDeployStep} (the {@code ecsForceDeploy}
 * Pipeline step) as its configuration, so both take the same parameters with the same validation and help. The
 * build holds its executor while it follows the deployment; unlike the Pipeline step, the wait does not survive a
 * controller restart.
 * <p>A plain {@link Builder}, deliberately not a {@code SimpleBuildStep}: Pipeline has the step itself, and a
 * {@code SimpleBuildStep} with a symbol would be offered there a second time, through the {@code step} meta-step.
 */
public final class EcsForceDeployBuilder extends Builder {

    private final EcsForceDeployStep step;

    @DataBoundConstructor
    public EcsForceDeployBuilder(EcsForceDeployStep step) {
        this.step = step;
    }

    /** The parameters, exactly as the Pipeline step takes them. */
    public EcsForceDeployStep getStep() {
        return step;
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> run, Launcher launcher, BuildListener listener)
            throws InterruptedException, IOException {
        EcsDeployResult result;
        try {
            ResolvedAws aws = step.connection().resolve(run, listener);
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                EcsForceDeploy stage = new EcsForceDeploy(step.toRequest(), factory, Clock.systemUTC(),
                        StageLogs.of(listener, aws.secrets()));
                result = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        if (!result.passed()) {
            throw new AbortException(Messages.EcsForceDeployBuilder_Failed(result.deploymentId(), result.service(),
                    result.status(), result.reason()));
        }
        return true;
    }

    @Extension
    @Symbol("ecsForceDeploy")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.EcsForceDeployBuilder_DisplayName();
        }
    }
}
