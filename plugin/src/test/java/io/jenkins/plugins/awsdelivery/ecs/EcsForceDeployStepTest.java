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
import java.util.concurrent.CountDownLatch;
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
    void aControllerKilledRightAfterUpdateServiceFollowsTheSameDeploymentAndNeverUpdatesTwice() throws Throwable {
        CountDownLatch[] answerAfterUpdate = new CountDownLatch[1];
        sessions.then(j -> {
            configure(j);
            ECS.server().clearRequests();
            ECS.rollout(Rollout.NEVER_FINISHES, Duration.ofHours(1));
            // ECS applies the update, and the controller dies before it hears back: the step has saved only what it
            // was about to ask (before UpdateService), not the deployment.
            answerAfterUpdate[0] = ECS.server().holdNext("ListServiceDeployments");
            WorkflowRun b = pipeline(j, "crash", "def r = ecsForceDeploy cluster: 'prod', service: 'web', "
                    + "image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:crash', timeout: '30m'" + FAST
                    + "\necho \"after restart: ${r.status} ${r.deploymentId}\"").scheduleBuild2(0).waitForStart();
            long end = System.currentTimeMillis() + 60_000;
            while (ECS.server().count("ListServiceDeployments") == 0 && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertThat(ECS.server().count("UpdateService")).isEqualTo(1);
            j.assertLogNotContains("Started deployment", b);
        });
        try {
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("crash", WorkflowJob.class).getBuildByNumber(1);
                j.waitForMessage("instead of deploying again", b);
                ECS.switchRollout("web", Rollout.SUCCESS, Duration.ZERO);
                j.assertBuildStatusSuccess(j.waitForCompletion(b));
                j.assertLogContains("after restart: COMPLETED", b);
                assertThat(ECS.server().count("UpdateService")).as("exactly one deployment").isEqualTo(1);
                assertThat(ECS.server().count("RegisterTaskDefinition")).as("and one revision").isEqualTo(1);
            });
        } finally {
            answerAfterUpdate[0].countDown();
        }
    }

    @Test
    void aResumedBuildKeepsTheEndpointAndRegionItStartedWith() throws Throwable {
        sessions.then(j -> {
            configure(j);
            ECS.server().clearRequests();
            ECS.rollout(Rollout.NEVER_FINISHES, Duration.ofHours(1));
            WorkflowRun b = pipeline(j, "pinned", "def r = ecsForceDeploy cluster: 'prod', service: 'web', "
                    + "timeout: '30m'" + FAST + "\necho \"after restart: ${r.status}\"").scheduleBuild2(0)
                    .waitForStart();
            j.waitForMessage("Started deployment", b);
            // An administrator points new builds elsewhere while this one waits.
            AwsDeliveryStagesConfiguration.get().setEndpointOverride("http://127.0.0.1:9");
            AwsDeliveryStagesConfiguration.get().setDefaultRegion("us-east-2");
        });
        sessions.then(j -> {
            WorkflowRun b = j.jenkins.getItemByFullName("pinned", WorkflowJob.class).getBuildByNumber(1);
            j.waitForMessage("Resuming the wait after a restart", b);
            ECS.switchRollout("web", Rollout.SUCCESS, Duration.ZERO);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertLogContains("after restart: COMPLETED", b);
            assertThat(ECS.server().requests()).as("every call went to the endpoint and region it started with")
                    .allSatisfy(r -> assertThat(r.signedRegion()).isEqualTo("eu-west-1"));
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
