package io.jenkins.plugins.awsdelivery.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs.Rollout;
import java.time.Clock;
import java.time.Duration;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

class EcsForceDeployStepTest {

    private static final FakeEcs ECS = new FakeEcs(Clock.systemUTC()::instant).withService("prod", "web", 2);
    private static final String SECRET = "ecs-step-secret-key";
    private static final String FAST = ", minPollInterval: '1s', maxPollInterval: '1s'";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @AfterAll
    static void stopFake() {
        ECS.close();
    }

    private static void configure(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIAECSSTEPTEST", SECRET, "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("eu-west-1");
        global.setDefaultCredentialsId("aws");
        global.setEndpointOverride(ECS.server().endpoint().toString());
    }

    private static WorkflowJob pipeline(JenkinsRule j, String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    @Test
    void completedDeploymentReturnsItsResultAndARollbackFailsTheBuild() throws Throwable {
        sessions.then(j -> {
            configure(j);
            ECS.rollout(Rollout.SUCCESS, Duration.ofSeconds(3));
            WorkflowRun ok = j.buildAndAssertSuccess(pipeline(j, "deploy", "def r = ecsForceDeploy cluster: 'prod', "
                    + "service: 'web', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:9'" + FAST + "\n"
                    + "echo \"status=${r.status} td=${r.taskDefinitionArn} digests=${r.imageDigests}\""));
            j.assertLogContains("status=COMPLETED td=arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2", ok);
            j.assertLogNotContains(SECRET, ok);

            ECS.rollout(Rollout.CIRCUIT_BREAKER, Duration.ofSeconds(3));
            WorkflowRun rolledBack = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "broken",
                    "ecsForceDeploy cluster: 'prod', service: 'web'" + FAST));
            j.assertLogContains("ROLLED_BACK", rolledBack);
            j.assertLogContains("circuit breaker", rolledBack);
        });
    }

    @Test
    void theWaitSurvivesARestart() throws Throwable {
        sessions.then(j -> {
            configure(j);
            ECS.server().clearRequests();
            ECS.rollout(Rollout.NEVER_FINISHES, Duration.ofHours(1));
            WorkflowRun b = pipeline(j, "long", "def r = ecsForceDeploy cluster: 'prod', service: 'web', "
                    + "timeout: '30m'" + FAST + "\necho \"after restart: ${r.status}\"").scheduleBuild2(0).waitForStart();
            j.waitForMessage("Started deployment", b);
        });
        sessions.then(j -> {
            WorkflowRun b = j.jenkins.getItemByFullName("long", WorkflowJob.class).getBuildByNumber(1);
            j.waitForMessage("Resuming the wait after a restart", b);
            ECS.switchRollout("web", Rollout.SUCCESS, Duration.ZERO);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertLogContains("after restart: COMPLETED", b);
            assertThat(ECS.server().requests("UpdateService")).as("the restart did not start a second deployment")
                    .hasSize(1);
        });
    }

    @Test
    void freestyleBuildStepRoundTripsItsConfiguration() throws Throwable {
        sessions.then(j -> {
            configure(j);
            FreeStyleProject p = j.createFreeStyleProject("freestyle");
            EcsForceDeployStep step = new EcsForceDeployStep("prod", "web");
            step.setTimeout("15m");
            step.setRollbackOnTimeout(true);
            step.setRequireDigest(true);
            EcsForceDeployBuilder b = new EcsForceDeployBuilder(step);
            p.getBuildersList().add(b);

            j.assertEqualDataBoundBeans(b, j.configRoundtrip(p).getBuildersList().get(EcsForceDeployBuilder.class));
        });
    }
}
