package io.jenkins.plugins.awsdelivery.ecs;

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
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.steps.AwsBuilder;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import java.io.IOException;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * ECS force deploy as a freestyle build step. The build holds its executor while it follows the deployment; unlike
 * the Pipeline step, the wait does not survive a controller restart.
 */
public final class EcsForceDeployBuilder extends AwsBuilder implements EcsDeployParameters {

    private final String cluster;
    private final String service;
    private String image;
    private String taskDefinition;
    private boolean forceNewDeployment = true;
    private Integer desiredCount;
    private boolean wait = true;
    private String timeout;
    private boolean rollbackOnTimeout = false;
    private String minPollInterval;
    private String maxPollInterval;

    @Override
    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = Util.fixEmptyAndTrim(image);
    }

    @Override
    public String getTaskDefinition() {
        return taskDefinition;
    }

    @DataBoundSetter
    public void setTaskDefinition(String taskDefinition) {
        this.taskDefinition = Util.fixEmptyAndTrim(taskDefinition);
    }

    @Override
    public boolean isForceNewDeployment() {
        return forceNewDeployment;
    }

    @DataBoundSetter
    public void setForceNewDeployment(boolean forceNewDeployment) {
        this.forceNewDeployment = forceNewDeployment;
    }

    @Override
    public Integer getDesiredCount() {
        return desiredCount;
    }

    @DataBoundSetter
    public void setDesiredCount(Integer desiredCount) {
        this.desiredCount = desiredCount;
    }

    @Override
    public boolean isWait() {
        return wait;
    }

    @DataBoundSetter
    public void setWait(boolean wait) {
        this.wait = wait;
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
    public boolean isRollbackOnTimeout() {
        return rollbackOnTimeout;
    }

    @DataBoundSetter
    public void setRollbackOnTimeout(boolean rollbackOnTimeout) {
        this.rollbackOnTimeout = rollbackOnTimeout;
    }

    @Override
    public String getMinPollInterval() {
        return minPollInterval;
    }

    @DataBoundSetter
    public void setMinPollInterval(String minPollInterval) {
        this.minPollInterval = Util.fixEmptyAndTrim(minPollInterval);
    }

    @Override
    public String getMaxPollInterval() {
        return maxPollInterval;
    }

    @DataBoundSetter
    public void setMaxPollInterval(String maxPollInterval) {
        this.maxPollInterval = Util.fixEmptyAndTrim(maxPollInterval);
    }

    @DataBoundConstructor
    public EcsForceDeployBuilder(String cluster, String service) {
        this.cluster = Util.fixEmptyAndTrim(cluster);
        this.service = Util.fixEmptyAndTrim(service);
    }

    @Override
    public String getCluster() {
        return cluster;
    }

    @Override
    public String getService() {
        return service;
    }

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        EcsDeployResult result;
        try {
            ResolvedAws aws = connection().resolve(run, listener);
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                EcsForceDeploy stage = new EcsForceDeploy(toRequest(), factory, Clock.systemUTC(),
                        StageLogs.of(listener, aws.secrets()));
                result = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        if (!result.passed()) {
            throw new AbortException("ECS deployment " + result.deploymentId() + " of " + result.service() + ": "
                    + result.status() + ". " + result.reason());
        }
    }

    @Extension
    @Symbol("ecsForceDeployBuilder")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "ECS force deploy";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return AwsStepForms.fillCredentialsIdItems(item, credentialsId);
        }

        @POST
        public FormValidation doCheckRegion(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkRegion(item, value);
        }

        @POST
        public FormValidation doCheckRoleArn(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkRoleArn(item, value);
        }

        @POST
        public FormValidation doCheckCluster(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Name the cluster.") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckService(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Name the service.") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "timeout", value);
        }

        @POST
        public FormValidation doCheckMinPollInterval(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "minPollInterval", value);
        }

        @POST
        public FormValidation doCheckMaxPollInterval(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "maxPollInterval", value);
        }
    }
}
