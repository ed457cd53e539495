package io.jenkins.plugins.awsdelivery.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.testing.FakeHealth;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

class AwsHealthGateStepTest {

    private static final FakeHealth HEALTH = new FakeHealth();
    private static final String SECRET = "health-step-secret-key";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @AfterAll
    static void stopFake() {
        HEALTH.close();
    }

    private static void configure(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIAHEALTHSTEPTEST", SECRET, "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("eu-west-1");
        global.setDefaultCredentialsId("aws");
        global.setEndpointOverride(HEALTH.server().endpoint().toString());
    }

    private static WorkflowJob pipeline(JenkinsRule j, String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    @Test
    void returnsTheVerdictToPipelineAndFailsOnAnOpenIssue() throws Throwable {
        sessions.then(j -> {
            configure(j);
            WorkflowJob clear = pipeline(j, "clear", "def r = awsHealthGate services: ['ECS']\n"
                    + "echo \"verdict=${r.verdict} events=${r.eventCount} endpoint=${r.endpointRegion}\"");
            WorkflowRun ok = j.buildAndAssertSuccess(clear);
            j.assertLogContains("verdict=PASSED events=0 endpoint=us-east-1", ok);

            HEALTH.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
            WorkflowRun failed = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "blocked",
                    "awsHealthGate services: ['ECS']"));
            j.assertLogContains("1 matching AWS Health event(s) affect ECS in eu-west-1, global", failed);
            j.assertLogContains("AWS_ECS_OPERATIONAL_ISSUE", failed);
            j.assertLogNotContains(SECRET, failed);

            WorkflowRun unstable = j.buildAndAssertStatus(Result.UNSTABLE, pipeline(j, "unstable",
                    "def r = awsHealthGate services: ['ECS'], onEvent: 'unstable'\necho \"got ${r.verdict}\""));
            j.assertLogContains("got UNSTABLE", unstable);
        });
    }

    @Test
    void waitModeSurvivesARestartAndPassesWhenTheEventCloses() throws Throwable {
        sessions.then(j -> {
            configure(j);
            HEALTH.event("ELASTICLOADBALANCING", "AWS_ELASTICLOADBALANCING_API_ISSUE", "global", "PUBLIC", "open")
                    .closeAfterChecks(1000);
            WorkflowJob p = pipeline(j, "held", "def r = awsHealthGate services: ['ELASTICLOADBALANCING'], "
                    + "onEvent: 'wait', pollInterval: '10s', timeout: '30m'\n"
                    + "echo \"after wait: ${r.verdict}\"");
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("Holding the deploy", b);
        });
        sessions.then(j -> {
            WorkflowRun b = j.jenkins.getItemByFullName("held", WorkflowJob.class).getBuildByNumber(1);
            assertThat(b.isBuilding()).isTrue();
            j.waitForMessage("Resuming the wait after a restart", b);
            HEALTH.closeAll();
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertLogContains("after wait: PASSED", b);
        });
    }

    @Test
    void freestyleBuildStepFailsTheBuildOnAnOpenIssue() throws Throwable {
        sessions.then(j -> {
            configure(j);
            HEALTH.event("RDS", "AWS_RDS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
            FreeStyleProject p = j.createFreeStyleProject("freestyle");
            AwsHealthGateStep step = new AwsHealthGateStep();
            step.setServices(List.of("RDS"));
            AwsHealthGateBuilder gate = new AwsHealthGateBuilder(step);
            p.getBuildersList().add(gate);

            FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

            j.assertLogContains("AWS_RDS_OPERATIONAL_ISSUE", b);
            j.assertEqualDataBoundBeans(gate, j.configRoundtrip(p).getBuildersList().get(AwsHealthGateBuilder.class));
        });
    }
}
