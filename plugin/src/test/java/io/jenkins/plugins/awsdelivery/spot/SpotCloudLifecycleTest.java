package io.jenkins.plugins.awsdelivery.spot;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import io.jenkins.plugins.awsdelivery.core.spot.NoticeKind;
import io.jenkins.plugins.awsdelivery.core.spot.SpotMetrics;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Spot cloud keeps Jenkins' contracts: provisioning never waits for EC2, a saved configuration keeps the
 * running engine, a deleted cloud's runtime stops, quiet-down stops launches, a change of the global AWS settings
 * takes effect without a restart, and the agent secret endpoint refuses everyone without a signed document alike.
 */
@WithJenkins
class SpotCloudLifecycleTest {

    private final TestClock clock = new TestClock(Instant.now());
    private FakeEc2 ec2;

    @BeforeEach
    void start() {
        ec2 = new FakeEc2(clock::instant);
        SpotCloudRuntime.clock = clock;
    }

    @AfterEach
    void stop() {
        SpotCloudRuntime.stopAll();
        SpotCloudRuntime.clock = Clock.systemUTC();
        ec2.close();
    }

    private SpotCloud cloud(JenkinsRule j, int min) throws Exception {
        return SpotTestClouds.add(j, ec2, min);
    }

    @Test
    void aProvisioningReviewReturnsAtOnceWhileEc2IsSlow(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 0);
        c.getRuntime().stepNow(); // the first round reconciles; from now on EC2 answers after 30 s
        ec2.server().delay("CreateFleet", Duration.ofSeconds(30)).delay("DescribeInstances", Duration.ofSeconds(30));
        ec2.server().clearRequests();

        long t0 = System.nanoTime();
        Collection<NodeProvisioner.PlannedNode> planned = c.provision(new Cloud.CloudState(Label.get("spot"), 0), 2);
        Collection<NodeProvisioner.PlannedNode> again = c.provision(new Cloud.CloudState(Label.get("spot"), 2), 2);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(elapsedMs).as("no EC2 call and no engine lock under the provisioner's lock").isLessThan(1000);
        assertThat(planned).hasSize(2).allSatisfy(p -> assertThat(p.future).isNotDone());
        assertThat(again).as("pending planned nodes count: 2 more within the maximum of 4").hasSize(2);
    }

    @Test
    void savingTheConfigurationPageKeepsADrainingAgentDrainingAndTheMetrics(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 1);
        SpotCloudRuntime runtime = c.getRuntime();
        runtime.stepNow();
        SpotAgent agent = c.agents().get(0);
        runtime.notices(List.of(new InterruptionNotice(agent.getInstanceId(), NoticeKind.REBALANCE, "",
                Instant.now(), "imds")));
        SpotMetrics before = runtime.getMetrics();
        assertThat(runtime.acceptsWork(agent.getInstanceId())).isFalse();

        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        HtmlForm form = wc.goTo("manage/cloud/linux-spot/configure").getFormByName("config");
        j.submit(form);

        SpotCloud saved = (SpotCloud) j.jenkins.getCloud("linux-spot");
        assertThat(saved).as("Jenkins made a new cloud object").isNotSameAs(c);
        assertThat(saved.getRuntime()).as("the same identity keeps the running runtime").isSameAs(runtime);
        saved.getRuntime().stepNow();
        assertThat(saved.getRuntime().acceptsWork(agent.getInstanceId())).as("still draining").isFalse();
        SpotMetrics after = saved.getRuntime().getMetrics();
        assertThat(after.rebalanceRecommendations()).isEqualTo(before.rebalanceRecommendations()).isEqualTo(1);
        assertThat(after.spotLaunches()).isGreaterThanOrEqualTo(before.spotLaunches());
    }

    @Test
    void deletingTheCloudStopsItsRuntime(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 0);
        SpotCloudRuntime runtime = c.getRuntime();
        runtime.stepNow();

        j.jenkins.clouds.remove(c);
        new SpotMaintenance().execute(TaskListener.NULL);

        assertThat(runtime.isRetired()).isTrue();
        assertThat(SpotCloudRuntime.REGISTRY.find("linux-spot")).isNull();
        for (int i = 0; i < 100 && !runtime.isStopped(); i++) {
            Thread.sleep(50); // its last round runs on its own thread: no agents to drain, so it stops
        }
        assertThat(runtime.isStopped()).isTrue();
        assertThat(runtime.provision(c.getTemplates().get(0), 3)).isEmpty();
    }

    @Test
    void quietDownStopsLaunches(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 1);
        j.jenkins.doQuietDown();

        c.getRuntime().stepNow();

        assertThat(ec2.server().requests("CreateFleet")).as("not even for the minimum").isEmpty();
        assertThat(c.provision(new Cloud.CloudState(Label.get("spot"), 0), 2)).isEmpty();
        assertThat(c.getRuntime().getRecentMessages()).isNotNull();

        j.jenkins.doCancelQuietDown();
        c.getRuntime().stepNow();
        assertThat(ec2.server().requests("CreateFleet")).hasSize(1);
    }

    @Test
    void aChangedGlobalEndpointTakesEffectWithoutRestartOrSave(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 0);
        c.getRuntime().stepNow();
        assertThat(ec2.server().count("DescribeInstances")).as("the first round reconciles").isPositive();
        try (FakeEc2 moved = new FakeEc2(clock::instant)) {
            AwsDeliveryStagesConfiguration.get().setEndpointOverride(moved.server().endpoint().toString());
            ec2.server().clearRequests();
            FreeStyleProject p = j.createFreeStyleProject("build");
            p.setAssignedLabel(Label.get("spot"));
            p.scheduleBuild2(0);
            for (int i = 0; i < 50 && j.jenkins.getQueue().getBuildableItems().isEmpty(); i++) {
                Thread.sleep(100);
            }

            c.getRuntime().stepNow();

            assertThat(moved.server().requests("CreateFleet")).as("the new endpoint").hasSize(1);
            assertThat(ec2.server().requests()).as("nothing to the old one").isEmpty();
            assertThat(c.getRuntime().getRecentMessages()).anySatisfy(m -> assertThat(m)
                    .contains("AWS settings changed"));
            j.jenkins.getQueue().clear();
        }
    }

    @Test
    void everyRequestWithoutASignedDocumentGetsTheSameRefusal(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 1);
        c.getRuntime().stepNow();
        ec2.boot();
        String id = c.agents().get(0).getInstanceId();
        ec2.server().clearRequests();
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);

        WebRequest spoofed = new WebRequest(new URL(j.getURL(), "aws-spot-agent/secret?cloud=linux-spot"
                + "&instanceId=" + id), HttpMethod.POST);
        spoofed.setAdditionalHeader("X-Forwarded-For", FakeEc2.privateIp(id));
        Page refused = wc.getPage(spoofed);
        Page unknown = wc.getPage(new WebRequest(new URL(j.getURL(), "aws-spot-agent/secret?cloud=nope"
                + "&document=%7B%7D&pkcs7=MIIB"), HttpMethod.POST));

        assertThat(refused.getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(unknown.getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(refused.getWebResponse().getContentAsString()).isEqualTo("Refused.\n")
                .isEqualTo(unknown.getWebResponse().getContentAsString());
        assertThat(c.getRuntime().getSecretRefusals()).containsEntry(AgentSecretIssuer.Refusal.BAD_SIGNATURE, 1L);
        assertThat(ec2.server().count("DescribeInstances")).as("no EC2 call for an unsigned request").isZero();
        assertThat(((SpotAgent) j.jenkins.getNode(id)).isSecretIssued()).isFalse();
    }

    private void awaitTerminated(String instanceId) throws InterruptedException {
        for (int i = 0; i < 100 && !"terminated".equals(ec2.instance(instanceId).stateName()); i++) {
            Thread.sleep(50); // terminated on the cloud's own thread
        }
        assertThat(ec2.instance(instanceId).stateName()).isEqualTo("terminated");
    }

    @Test
    void anAgentDeletedByAnAdministratorIsTerminatedOrShownAsLeftRunning(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 3);
        c.getRuntime().stepNow();
        List<SpotAgent> agents = c.agents();
        assertThat(agents).hasSize(3);

        agents.get(0).terminate();
        awaitTerminated(agents.get(0).getInstanceId());

        // A deleted cloud's runtime, while it drains, still terminates what an administrator deletes.
        j.jenkins.clouds.remove(c);
        new SpotMaintenance().execute(TaskListener.NULL);
        agents.get(1).terminate();
        awaitTerminated(agents.get(1).getInstanceId());

        // Once it has stopped, nobody can: administrators are told.
        SpotCloudRuntime.stopAll();
        agents.get(2).terminate();
        SpotTerminationMonitor monitor = SpotTerminationMonitor.get();
        assertThat(monitor.isActivated()).isTrue();
        assertThat(monitor.getFailures()).anySatisfy(f -> assertThat(f).startsWith(agents.get(2).getInstanceId())
                .contains("cloud linux-spot no longer exists"));
        assertThat(ec2.instance(agents.get(2).getInstanceId()).stateName()).isNotEqualTo("terminated");
    }

    @Test
    void aRenamedCloudTakesOverItsAgentsAndInstances(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j, 2);
        c.getRuntime().stepNow();
        List<String> ids = c.agents().stream().map(SpotAgent::getInstanceId).toList();
        assertThat(ids).hasSize(2);

        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        HtmlForm form = wc.goTo("manage/cloud/linux-spot/configure").getFormByName("config");
        form.getInputByName("_.name").setValue("linux-spot-2");
        j.submit(form);
        SpotCloud renamed = (SpotCloud) j.jenkins.getCloud("linux-spot-2");
        assertThat(renamed.formerNames()).containsExactly("linux-spot");

        new SpotMaintenance().execute(TaskListener.NULL);
        renamed.getRuntime().stepNow();

        for (String id : ids) {
            assertThat(((SpotAgent) j.jenkins.getNode(id)).getCloudName()).isEqualTo("linux-spot-2");
            assertThat(ec2.instance(id).tags()).containsEntry("aws-delivery-stages:cloud", "linux-spot-2");
            assertThat(ec2.instance(id).stateName()).isNotEqualTo("terminated");
        }
        assertThat(renamed.agents()).hasSize(2);
        assertThat(ec2.server().requests("CreateFleet")).as("the minimum of 2 is met by the adopted agents")
                .hasSize(1);
        assertThat(SpotCloudRuntime.REGISTRY.find("linux-spot")).isNull();
    }
}
