package io.jenkins.plugins.awsdelivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.ExtensionList;
import hudson.model.Result;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs.Rollout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** Builds may act as the controller's own AWS or Kubernetes identity only when an administrator opts in. */
class ControllerIdentityTest {

    private static final FakeEcs ECS = new FakeEcs(Clock.systemUTC()::instant).withService("prod", "web", 1);
    private static final String FAST = ", minPollInterval: '1s', maxPollInterval: '1s'";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @AfterAll
    static void stopFake() {
        ECS.close();
    }

    @AfterEach
    void forgetControllerKeys() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private static WorkflowJob pipeline(JenkinsRule j, String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    @Test
    void aStepWithoutAnyCredentialFailsAtOnceUntilAnAdministratorOptsIn() throws Throwable {
        sessions.then(j -> {
            // The controller has an AWS identity of its own (here: system properties in the default chain).
            System.setProperty("aws.accessKeyId", "AKIACONTROLLER0000");
            System.setProperty("aws.secretAccessKey", "controller-secret");
            AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
            global.setDefaultRegion("eu-west-1");
            global.setEndpointOverride(ECS.server().endpoint().toString());
            ECS.server().clearRequests();
            ECS.rollout(Rollout.SUCCESS, Duration.ofSeconds(1));

            WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "refused",
                    "ecsForceDeploy cluster: 'prod', service: 'web'" + FAST));
            j.assertLogContains("ecsForceDeploy has no AWS credential", refused);
            j.assertLogContains("Builds may use the controller's own AWS identity", refused);
            assertThat(ECS.server().requests()).as("refused before any call").isEmpty();

            WorkflowRun px = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "px",
                    "pxSnapshot namespace: 'prod', pvc: 'mongo-data'"));
            j.assertLogContains("pxSnapshot has no Kubernetes credential", px);
            j.assertLogContains("Builds may use the controller's own Kubernetes identity", px);

            global.setAllowControllerAwsIdentity(true);
            WorkflowRun allowed = j.buildAndAssertSuccess(pipeline(j, "allowed",
                    "def r = ecsForceDeploy cluster: 'prod', service: 'web'" + FAST + "\necho \"status=${r.status}\""));
            j.assertLogContains("status=COMPLETED", allowed);
            assertThat(ECS.server().count("UpdateService")).isEqualTo(1);
        });
    }

    @Test
    void aRoleOutsideTheAllowListIsRefused() throws Throwable {
        sessions.then(j -> {
            AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
            global.setDefaultRegion("eu-west-1");
            global.setAllowControllerAwsIdentity(true);
            global.setAllowedRoleArns(List.of("arn:aws:iam::123456789012:role/deploy-*"));

            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "admin-role",
                    "ecsForceDeploy cluster: 'prod', service: 'web', roleArn: 'arn:aws:iam::123456789012:role/admin'"));
            j.assertLogContains("asks for role arn:aws:iam::123456789012:role/admin", b);
        });
    }

    @Test
    void anOldConfigurationThatReliedOnTheFallbackShowsTheMonitorUntilTheAdministratorChooses() throws Throwable {
        sessions.then(j -> {
            // As written by a version without the opt-ins: a region, no default credential, no version marker.
            Path file = j.jenkins.getRootDir().toPath().resolve(AwsDeliveryStagesConfiguration.class.getName()
                    + ".xml");
            Files.writeString(file, "<?xml version='1.1' encoding='UTF-8'?>\n"
                    + "<" + AwsDeliveryStagesConfiguration.class.getName() + ">\n"
                    + "  <defaultRegion>eu-west-1</defaultRegion>\n"
                    + "</" + AwsDeliveryStagesConfiguration.class.getName() + ">\n", StandardCharsets.UTF_8);
        });
        sessions.then(j -> {
            ControllerIdentityMonitor monitor = ExtensionList.lookupSingleton(ControllerIdentityMonitor.class);
            assertThat(monitor.isActivated()).isTrue();
            assertThat(AwsDeliveryStagesConfiguration.get().getDefaultRegion()).isEqualTo("eu-west-1");
            assertThat(AwsDeliveryStagesConfiguration.get().isAllowControllerAwsIdentity())
                    .as("still off until an administrator says otherwise").isFalse();
            assertThat(j.jenkins.getActiveAdministrativeMonitors()).contains(monitor);
            JenkinsRule.WebClient wc = j.createWebClient();

            WebRequest keep = new WebRequest(new java.net.URL(j.getURL(), monitor.getUrl() + "/act"),
                    HttpMethod.POST);
            keep.setRequestParameters(List.of(new org.htmlunit.util.NameValuePair("keep", "Keep")));
            wc.withThrowExceptionOnFailingStatusCode(false).getPage(wc.addCrumb(keep));
            assertThat(monitor.isActivated()).isFalse();
            assertThat(AwsDeliveryStagesConfiguration.get().isAllowControllerAwsIdentity()).isFalse();
        });
        sessions.then(j -> assertThat(ExtensionList.lookupSingleton(ControllerIdentityMonitor.class).isActivated())
                .as("the choice is saved").isFalse());
    }

    @Test
    void aNewInstallationShowsNoMonitorUntilABuildIsRefused() throws Throwable {
        sessions.then(j -> {
            ControllerIdentityMonitor monitor = ExtensionList.lookupSingleton(ControllerIdentityMonitor.class);
            AwsDeliveryStagesConfiguration.get().setDefaultRegion("eu-west-1");
            assertThat(monitor.isActivated()).isFalse();

            j.buildAndAssertStatus(Result.FAILURE, pipeline(j, "no-credential",
                    "ecsForceDeploy cluster: 'prod', service: 'web'"));
            assertThat(monitor.isActivated()).isTrue();
            assertThat(monitor.getRefusedBuild()).isEqualTo("no-credential #1");
        });
    }
}
