package io.jenkins.plugins.awsdelivery.ecs;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployIntent;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployment;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import io.jenkins.plugins.awsdelivery.steps.AwsStep;
import io.jenkins.plugins.awsdelivery.steps.AwsStepDescriptor;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.wait.PollingStepExecution;
import java.time.Clock;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code ecsForceDeploy}: forces a new ECS deployment, optionally of new images, and follows that one deployment to
 * its real end: COMPLETED, FAILED, ROLLED_BACK (circuit breaker or alarms) or TIMED_OUT. Anything but COMPLETED fails
 * the step. The wait holds no executor thread and survives a controller restart.
 */
public final class EcsForceDeployStep extends AwsStep implements EcsDeployParameters {

    private static final long serialVersionUID = 1L;

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
    private boolean requireDigest = false;

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
    public boolean isRequireDigest() {
        return requireDigest;
    }

    @DataBoundSetter
    public void setRequireDigest(boolean requireDigest) {
        this.requireDigest = requireDigest;
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
    public EcsForceDeployStep(String cluster, String service) {
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
    public StepExecution start(StepContext context) throws Exception {
        try {
            return new Execution(context, toRequest(), connection());
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
    }

    /**
     * Starts the deployment on a worker, then looks at it until it ends. Before UpdateService it saves what it is
     * about to ask ({@link EcsDeployIntent}), so that after a crash it finds the deployment instead of starting a
     * second one; the connection is pinned when it begins, so a resumed build talks to the same region and
     * endpoint.
     */
    static final class Execution extends PollingStepExecution<EcsDeployResult> {

        private static final long serialVersionUID = 1L;

        private final EcsDeployRequest request;
        private AwsConnection connection;
        private EcsDeployIntent intent;
        private EcsDeployment deployment;
        private transient EcsForceDeploy stage;
        private transient AwsClientFactory factory;

        Execution(StepContext context, EcsDeployRequest request, AwsConnection connection) {
            super(context, request.waitPolicy());
            this.request = request;
            this.connection = connection;
        }

        @Override
        protected WaitState begin() throws Exception {
            if (deployment == null) {
                if (intent == null) {
                    connection = connection.pinned();
                    EcsForceDeploy s = stage(); // resolves the credentials: a refused identity fails here
                    listener().getLogger().println("AWS: " + connection.describe());
                    deployment = s.start(i -> {
                        intent = i;
                        checkpoint();
                    });
                } else {
                    deployment = stage().resume(intent);
                }
                checkpoint();
            }
            if (!request.waitForOutcome()) {
                return null;
            }
            return stage().startWait();
        }

        @Override
        protected PollOutcome<EcsDeployResult> pollOnce() throws Exception {
            PollOutcome<EcsDeployResult> outcome = stage().pollOnce();
            deployment = stage().deployment();
            return outcome;
        }

        @Override
        protected void finish(WaitDecision<EcsDeployResult> decision) throws Exception {
            EcsDeployResult result = decision == null ? stage().startedOnly() : stage().result(decision);
            if (result.passed()) {
                getContext().onSuccess(result.toMap());
            } else {
                getContext().onFailure(new AbortException("ECS deployment " + result.deploymentId() + " of "
                        + result.service() + ": " + result.status() + ". " + result.reason()));
            }
        }

        @Override
        protected String stopMessage() {
            return "Stopped following the ECS deployment" + (deployment == null ? "" : " "
                    + deployment.deploymentId()) + "; ECS goes on with it without this build.";
        }

        @Override
        protected void release() {
            if (factory != null) {
                factory.close();
                factory = null;
                stage = null;
            }
        }

        private EcsForceDeploy stage() throws Exception {
            if (stage == null) {
                Run<?, ?> run = getContext().get(Run.class);
                TaskListener listener = getContext().get(TaskListener.class);
                ResolvedAws aws = connection.resolve(run, listener);
                factory = new AwsClientFactory(aws.settings());
                stage = new EcsForceDeploy(request, factory, Clock.systemUTC(), StageLogs.of(listener, aws.secrets()),
                        deployment);
            }
            return stage;
        }
    }

    @Extension
    @Symbol("ecsForceDeploy")
    public static final class DescriptorImpl extends AwsStepDescriptor {

        @Override
        public String getFunctionName() {
            return "ecsForceDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.EcsForceDeployStep_DisplayName();
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
