package io.jenkins.plugins.awsdelivery.resiliencehub;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub.FakeApp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

class ResilienceHubGateStepTest {

    private static final FakeResilienceHub HUB = new FakeResilienceHub(Clock.systemUTC(), "eu-west-1");
    private static final FakeApp SHOP = HUB.app("shop").policy(3600, 900)
            .published(Clock.systemUTC().instant().minus(Duration.ofDays(3)));
    private static final String SECRET = "rhub-step-secret-key";
    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-test/0a1b2c3d-1111-2222-3333-444455556666";
    private static final String STEP = "resilienceHubGate appArn: '" + SHOP.arn() + "', stackArns: ['" + STACK
            + "'], pollInterval: '1s'";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @AfterAll
    static void stopFake() {
        HUB.close();
    }

    private static void configure(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIARHUBSTEPTEST", SECRET, "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("eu-west-1");
        global.setDefaultCredentialsId("aws");
        global.setEndpointOverride(HUB.server().endpoint().toString());
    }

    private static WorkflowJob pipeline(JenkinsRule j, String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    @Test
    void aMetPolicyReturnsTheAssessmentAndABreachFailsOrMarksUnstable() throws Throwable {
        sessions.then(j -> {
            configure(j);
            SHOP.resourcesChanged().nextAssessment().polls(0, 1).disruption("AZ", "PolicyMet", 1200, 300);
            WorkflowRun ok = j.buildAndAssertSuccess(pipeline(j, "shop-deploy", "def r = " + STEP + "\n"
                    + "echo \"compliance=${r.complianceStatus} name=${r.assessmentName} az=${r.disruptions[0]"
                    + ".currentRtoSeconds}/${r.disruptions[0].targetRtoSeconds} quota=${r.quotaUsedThisMonth}\""));
            j.assertLogContains("compliance=PolicyMet name=jenkins-shop-deploy-1 az=1200/3600", ok);
            j.assertLogNotContains(SECRET, ok);

            SHOP.resourcesChanged().nextAssessment().polls(0, 1).compliance("PolicyBreached")
                    .disruption("AZ", "PolicyBreached", 7200, 300);
            WorkflowRun breached = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "breach", STEP));
            j.assertLogContains("shop breaches its resiliency policy in AZ", breached);

            SHOP.resourcesChanged().nextAssessment().polls(0, 1).compliance("PolicyBreached");
            j.buildAndAssertStatus(Result.UNSTABLE, pipeline(j, "unstable", "def r = " + STEP
                    + ", onBreach: 'unstable'\necho \"verdict=${r.verdict}\""));
        });
    }

    @Test
    void theWaitSurvivesARestartWithoutASecondAssessment() throws Throwable {
        sessions.then(j -> {
            configure(j);
            HUB.server().clearRequests();
            SHOP.resourcesChanged().nextAssessment().polls(1_000_000, 0);
            WorkflowRun b = pipeline(j, "long", "def r = " + STEP + ", timeout: '30m'\n"
                    + "echo \"after restart: ${r.complianceStatus}\"").scheduleBuild2(0).waitForStart();
            j.waitForMessage("Started assessment jenkins-long-1", b);
        });
        sessions.then(j -> {
            WorkflowRun b = j.jenkins.getItemByFullName("long", WorkflowJob.class).getBuildByNumber(1);
            j.waitForMessage("Resuming the wait after a restart", b);
            SHOP.endAssessments();
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertLogContains("after restart: PolicyMet", b);
            assertThat(HUB.server().requests("StartAppAssessment")).as("no second assessment after the restart")
                    .hasSize(1);
            assertThat(HUB.server().requests("ImportResourcesToDraftAppVersion")).as("no second import").hasSize(1);
        });
    }

    @Test
    void freestyleBuildStepRoundTripsItsConfiguration() throws Throwable {
        sessions.then(j -> {
            configure(j);
            FreeStyleProject p = j.createFreeStyleProject("freestyle");
            ResilienceHubGateStep step = new ResilienceHubGateStep(SHOP.arn());
            step.setStackArns(List.of(STACK));
            step.setEksSources(List.of("arn:aws:eks:eu-west-1:123456789012:cluster/shop=web,api"));
            step.setOnBreach("unstable");
            step.setTimeout("45m");
            step.setForceAssessment(true);
            ResilienceHubGateBuilder b = new ResilienceHubGateBuilder(step);
            p.getBuildersList().add(b);

            j.assertEqualDataBoundBeans(b, j.configRoundtrip(p).getBuildersList().get(ResilienceHubGateBuilder.class));
        });
    }
}
