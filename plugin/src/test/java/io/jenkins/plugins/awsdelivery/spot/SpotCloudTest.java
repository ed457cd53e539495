package io.jenkins.plugins.awsdelivery.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import io.jenkins.plugins.awsdelivery.core.spot.NoticeKind;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.InboundAgentExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * The Spot cloud in a real Jenkins against the scripted EC2 (Query protocol) on 127.0.0.1: agents launched for
 * the queue, connecting inbound, drained on interruption with Pipeline's retry rerunning the work, retired when
 * idle, and kept or cleaned up across a restart.
 */
class SpotCloudTest {

    private static final List<String> SUBNETS = SpotTestClouds.SUBNETS;

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @RegisterExtension
    private final InboundAgentExtension inbound = new InboundAgentExtension();

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
        SpotCloudRuntime.clock = java.time.Clock.systemUTC();
        ec2.close();
    }

    private SpotCloud cloud(JenkinsRule j, int min) throws Exception {
        return SpotTestClouds.add(j, ec2, min);
    }

    private static List<SpotAgent> agents(SpotCloud c) {
        return c.agents();
    }

    private static SpotAgent awaitAgent(JenkinsRule j, SpotCloud c, String except) throws Exception {
        for (int i = 0; i < 600; i++) {
            c.getRuntime().stepNow();
            for (SpotAgent a : agents(c)) {
                if (!a.getInstanceId().equals(except)) {
                    return a;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no Spot agent was launched");
    }

    @Test
    void jcascExampleInTheDocsConfiguresTheCloudAndExportsTheSameFields() throws Throwable {
        sessions.then(j -> {
            String doc = Files.readString(Path.of("../docs/spot-agents.md"));
            Matcher m = Pattern.compile("```yaml\\n(jenkins:\\n.*?)```", Pattern.DOTALL).matcher(doc);
            assertThat(m.find()).as("docs/spot-agents.md has a jenkins: YAML example").isTrue();
            Path yaml = Files.createTempFile("spot", ".yml");
            Files.writeString(yaml, m.group(1));

            jenkins.model.JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
            ConfigurationAsCode.get().configure(yaml.toString());

            SpotCloud c = (SpotCloud) j.jenkins.getCloud("linux-spot");
            assertThat(c).isNotNull();
            assertThat(c.toConfig("controller").pools()).as("6 instance types in 3 Availability Zones").hasSize(18);
            assertThat(c.getTemplates()).extracting(SpotAgentTemplate::getName).containsExactly("default");
            assertThat(c.getTemplates().get(0).getLabelString()).isEqualTo("linux spot");
            assertThat(c.getAllocationStrategy()).isEqualTo("price-capacity-optimized");

            io.jenkins.plugins.casc.ConfigurationContext context = new io.jenkins.plugins.casc.ConfigurationContext(
                    io.jenkins.plugins.casc.ConfiguratorRegistry.get());
            String exported = io.jenkins.plugins.casc.misc.Util.toYamlString(
                    io.jenkins.plugins.casc.misc.Util.getJenkinsRoot(context).get("clouds"));
            assertThat(exported).contains("awsSpot:").contains("templates:").contains("instanceTypes:")
                    .contains("subnetIds:")
                    .contains("interruptionQueueUrl:");

            SpotCloud before = c;
            Path again = Files.createTempFile("spot-export", ".yml");
            Files.writeString(again, "jenkins:\n  clouds:\n" + exported.lines().map(l -> "    " + l)
                    .collect(java.util.stream.Collectors.joining("\n")) + "\n");
            j.jenkins.clouds.clear();
            ConfigurationAsCode.get().configure(again.toString());
            j.assertEqualDataBoundBeans(before, j.jenkins.getCloud("linux-spot"));
        });
    }

    @Test
    void queuedBuildLaunchesAnInboundAgentThatConnectsAndRunsIt() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            FreeStyleProject p = j.createFreeStyleProject("build");
            p.setAssignedLabel(Label.get("spot"));

            var future = p.scheduleBuild2(0);
            SpotAgent agent = awaitAgent(j, c, null);

            assertThat(agent.getLabelString()).isEqualTo("spot");
            assertThat(agent.getNodeDescription()).contains("EC2 spot").contains("cloud linux-spot");
            assertThat(ec2.running()).singleElement().satisfies(i -> assertThat(i.tags())
                    .containsEntry("aws-delivery-stages:cloud", "linux-spot"));
            inbound.start(j, agent.getNodeName());
            FreeStyleBuild b = j.assertBuildStatusSuccess(future);
            assertThat(b.getBuiltOnStr()).isEqualTo(agent.getInstanceId());
            assertThat(ec2.server().requests("CreateFleet")).as("one build, one launch").hasSize(1);
        });
    }

    @Test
    void interruptionTakesTheAgentAwayAndRetryRerunsTheStageOnAReplacement() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            WorkflowJob p = j.createProject(WorkflowJob.class, "pipeline");
            p.setDefinition(new CpsFlowDefinition("retry(count: 2, conditions: [agent()]) {\n"
                    + "  node('spot') { echo \"running on ${env.NODE_NAME}\"; sleep 30 }\n"
                    + "}", true));
            WorkflowRun run = p.scheduleBuild2(0).waitForStart();
            SpotAgent first = awaitAgent(j, c, null);
            inbound.start(j, first.getNodeName());
            j.waitForMessage("running on " + first.getInstanceId(), run);

            c.getRuntime().notices(List.of(new InterruptionNotice(first.getInstanceId(), NoticeKind.INTERRUPTION,
                    "terminate", Instant.now().plusSeconds(120), "sqs")));

            assertThat(j.jenkins.getNode(first.getInstanceId())).as("removed so that retry reruns the stage")
                    .isNull();
            assertThat(c.getRuntime().getRecentMessages()).anySatisfy(m -> assertThat(m)
                    .contains("EC2 Spot interruption").contains(first.getInstanceId()));
            SpotAgent second = awaitAgent(j, c, first.getInstanceId());
            assertThat(ec2.instance(first.getInstanceId()).stateName()).as("drained and without its node: terminated")
                    .isEqualTo("terminated");
            inbound.start(j, second.getNodeName());
            j.waitForMessage("running on " + second.getInstanceId(), run);
            j.assertBuildStatusSuccess(j.waitForCompletion(run));
            j.assertLogContains("Agent " + first.getInstanceId() + " was deleted", run);
        });
    }

    /** Steps the cloud until the instance is terminated (a spent idle agent goes without the idle timeout). */
    private static void awaitTerminated(SpotCloud c, FakeEc2 ec2, String instanceId) throws Exception {
        for (int i = 0; i < 50 && !"terminated".equals(ec2.instance(instanceId).stateName()); i++) {
            c.getRuntime().stepNow();
            Thread.sleep(100);
        }
        assertThat(ec2.instance(instanceId).stateName()).as(instanceId + " terminated").isEqualTo("terminated");
    }

    @Test
    void singleUseAgentRunsOneBuildAndGoesAway() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            c.getTemplates().get(0).setMaxTotalUses(1);
            FreeStyleProject p = j.createFreeStyleProject("single-use");
            p.setAssignedLabel(Label.get("spot"));

            FreeStyleBuild first = j.assertBuildStatusSuccess(runOnNewAgent(j, c, p.scheduleBuild2(0), null));
            SpotAgent used = (SpotAgent) first.getBuiltOn();
            assertThat(used.getBuildsAccepted()).isEqualTo(1);
            assertThat(used.toComputer().isAcceptingTasks()).as("its one build is spent").isFalse();

            var second = p.scheduleBuild2(0);
            awaitTerminated(c, ec2, used.getInstanceId());
            assertThat(j.jenkins.getNode(used.getInstanceId())).as("the spent agent is gone").isNull();
            FreeStyleBuild next = j.assertBuildStatusSuccess(runOnNewAgent(j, c, second, used.getInstanceId()));
            assertThat(next.getBuiltOnStr()).as("the second build gets a fresh instance")
                    .isNotEqualTo(used.getInstanceId());
            assertThat(ec2.server().requests("CreateFleet")).as("one launch per build").hasSize(2);
        });
    }

    @Test
    void buildsTakenAreKeptWithTheAgentAcrossARestart() throws Throwable {
        String[] id = new String[1];
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            c.getTemplates().get(0).setMaxTotalUses(2);
            j.jenkins.save();
            FreeStyleProject p = j.createFreeStyleProject("twice");
            p.setAssignedLabel(Label.get("spot"));
            FreeStyleBuild b = j.assertBuildStatusSuccess(runOnNewAgent(j, c, p.scheduleBuild2(0), null));
            SpotAgent agent = (SpotAgent) b.getBuiltOn();
            assertThat(agent.getBuildsAccepted()).isEqualTo(1);
            assertThat(agent.toComputer().isAcceptingTasks()).as("one build left").isTrue();
            id[0] = agent.getInstanceId();
        });
        ec2.boot();
        sessions.then(j -> {
            SpotAgent agent = (SpotAgent) j.jenkins.getNode(id[0]);
            assertThat(agent.getBuildsAccepted()).as("saved with the node").isEqualTo(1);
            assertThat(agent.getMaxTotalUses()).isEqualTo(2);
            assertThat(agent.getTemplateName()).isEqualTo("default");
        });
    }

    @Test
    void singleUseAgentWithTwoExecutorsNeverTakesTwoQueuedBuilds() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            c.getTemplates().get(0).setMaxTotalUses(1);
            c.getTemplates().get(0).setNumExecutors(2);
            FreeStyleProject p = j.createFreeStyleProject("two-at-once");
            p.setAssignedLabel(Label.get("spot"));
            p.setConcurrentBuild(true);
            p.getBuildersList().add(new org.jvnet.hudson.test.SleepBuilder(2000));
            var a = p.scheduleBuild2(0);
            var b = p.scheduleBuild2(0, new hudson.model.Cause.UserIdCause());
            java.util.Set<String> started = new java.util.HashSet<>();
            for (int i = 0; i < 600 && !(a.isDone() && b.isDone()); i++) {
                c.getRuntime().stepNow();
                for (SpotAgent agent : agents(c)) {
                    if (started.add(agent.getNodeName())) {
                        inbound.start(j, agent.getNodeName());
                    }
                }
                Thread.sleep(100);
            }
            FreeStyleBuild first = j.assertBuildStatusSuccess(a);
            FreeStyleBuild second = j.assertBuildStatusSuccess(b);
            assertThat(first.getBuiltOnStr()).as("both builds were queued while one agent with two free executors "
                    + "connected: it took only one").isNotEqualTo(second.getBuiltOnStr());
        });
    }

    @Test
    void eachTemplateLaunchesItsOwnAgentsWithItsLabelsAndNodeProperties() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            SpotAgentTemplate big = SpotTestClouds.template("big", "big linux");
            big.setNumExecutors(2);
            var env = new hudson.slaves.EnvironmentVariablesNodeProperty(
                    new hudson.slaves.EnvironmentVariablesNodeProperty.Entry("TOOL_HOME", "/opt/tool"));
            big.setNodeProperties(List.of(env));
            c.setTemplates(List.of(c.getTemplates().get(0), big));
            FreeStyleProject p = j.createFreeStyleProject("big-build");
            p.setAssignedLabel(Label.get("big"));

            FreeStyleBuild b = j.assertBuildStatusSuccess(runOnNewAgent(j, c, p.scheduleBuild2(0), null));

            SpotAgent agent = (SpotAgent) b.getBuiltOn();
            assertThat(agent.getTemplateName()).isEqualTo("big");
            assertThat(agent.getLabelString()).isEqualTo("big linux");
            assertThat(agent.getNumExecutors()).isEqualTo(2);
            assertThat(b.getEnvironment(hudson.model.TaskListener.NULL)).containsEntry("TOOL_HOME", "/opt/tool");
            var copy = agent.getNodeProperties().get(hudson.slaves.EnvironmentVariablesNodeProperty.class);
            assertThat(copy).as("the agent's own copy").isNotNull().isNotSameAs(env);
            assertThat(ec2.instance(agent.getInstanceId()).tags()).containsEntry("aws-delivery-stages:template",
                    "big");
        });
    }

    /** Waits for an agent other than {@code except}, connects it and returns the build's future. */
    private <T> java.util.concurrent.Future<T> runOnNewAgent(JenkinsRule j, SpotCloud c,
                                                            java.util.concurrent.Future<T> build, String except)
            throws Exception {
        SpotAgent agent = awaitAgent(j, c, except);
        inbound.start(j, agent.getNodeName());
        return build;
    }

    @Test
    void rebalanceRecommendationTakesTheAgentOfflineWithTheReason() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 1);
            SpotAgent agent = awaitAgent(j, c, null);
            inbound.start(j, agent.getNodeName());

            c.getRuntime().notices(List.of(new InterruptionNotice(agent.getInstanceId(), NoticeKind.REBALANCE, "",
                    Instant.now(), "imds")));

            Computer computer = agent.toComputer();
            assertThat(computer.isAcceptingTasks()).isFalse();
            assertThat(String.valueOf(computer.getOfflineCause())).contains("rebalance recommendation");
            // Idle, it is terminated at the next step; the minimum of 1 brings a replacement.
            c.getRuntime().stepNow();
            assertThat(ec2.instance(agent.getInstanceId()).stateName()).isEqualTo("terminated");
            assertThat(awaitAgent(j, c, agent.getInstanceId())).isNotNull();
        });
    }

    @Test
    void idleAgentIsRetiredThenTerminatedButNeverWhileABuildRuns() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 0);
            FreeStyleProject p = j.createFreeStyleProject("build");
            p.setAssignedLabel(Label.get("spot"));
            var future = p.scheduleBuild2(0);
            SpotAgent agent = awaitAgent(j, c, null);
            inbound.start(j, agent.getNodeName());
            j.assertBuildStatusSuccess(future);

            c.getRuntime().stepNow();
            clock.advance(Duration.ofMinutes(11));
            c.getRuntime().stepNow();
            assertThat(String.valueOf(agent.toComputer().getOfflineCause())).contains("being removed");
            clock.advance(Duration.ofSeconds(10));
            c.getRuntime().stepNow();

            assertThat(j.jenkins.getNode(agent.getInstanceId())).isNull();
            assertThat(ec2.instance(agent.getInstanceId()).stateName()).isEqualTo("terminated");
        });
    }

    @Test
    void restartKeepsAgentsWhoseInstancesRunAndRemovesTheOthers() throws Throwable {
        String[] ids = new String[2];
        sessions.then(j -> {
            SpotCloud c = cloud(j, 2);
            c.getRuntime().stepNow();
            List<SpotAgent> agents = agents(c);
            assertThat(agents).hasSize(2);
            ids[0] = agents.get(0).getInstanceId();
            ids[1] = agents.get(1).getInstanceId();
        });
        ec2.boot();
        ec2.interrupt(ids[1]);
        sessions.then(j -> {
            SpotCloud c = (SpotCloud) j.jenkins.getCloud("linux-spot");
            assertThat(j.jenkins.getNode(ids[0])).isInstanceOf(SpotAgent.class);

            c.getRuntime().stepNow();

            assertThat(j.jenkins.getNode(ids[0])).as("adopted: its instance runs").isNotNull();
            assertThat(j.jenkins.getNode(ids[1])).as("its instance is gone").isNull();
            assertThat(c.getRuntime().getMetrics().spotLaunches()).as("the minimum is met again").isEqualTo(1);
        });
    }

    @Test
    void testConnectionIsADryRunForAdministratorsOnly() throws Throwable {
        sessions.then(j -> {
            cloud(j, 0);
            j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
            j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                    .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                    .grant(Jenkins.READ).everywhere().to("reader"));
            SpotAgentTemplate.DescriptorImpl d = j.jenkins.getDescriptorByType(SpotAgentTemplate.DescriptorImpl.class);
            String types = "m5.large c5.large";
            String subnets = String.join(" ", SUBNETS);

            try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
                FormValidation ok = d.doTestConnection(FakeEc2.REGION, "aws", null, null, subnets,
                        "price-capacity-optimized", "default", "linux", "lt-0123456789abcdef0", null, null, null,
                        null, types, 0, 0, 0, 0);
                assertThat(ok.kind).isEqualTo(FormValidation.Kind.OK);
                assertThat(ok.getMessage()).contains("EC2 accepts the request").contains("6 pool(s)");
            }
            assertThat(ec2.running()).as("a dry run launches nothing").isEmpty();
            try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
                assertThatThrownBy(() -> d.doTestConnection(FakeEc2.REGION, "aws", null, null, subnets, null,
                        "default", "linux", "lt-0123456789abcdef0", null, null, null, null, types, 0, 0, 0, 0))
                        .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
            }
        });
    }

    @Test
    void sshAgentsAreReachedOnTheInstancesPrivateAddress() throws Throwable {
        sessions.then(j -> {
            SpotCloud c = cloud(j, 1);
            c.setConnection("ssh");
            c.setSshCredentialsId("ec2-user-key");
            c.setSshPort(2222);

            c.getRuntime().stepNow();

            SpotAgent agent = agents(c).get(0);
            assertThat(agent.getLauncher()).isInstanceOf(hudson.plugins.sshslaves.SSHLauncher.class);
            hudson.plugins.sshslaves.SSHLauncher ssh = (hudson.plugins.sshslaves.SSHLauncher) agent.getLauncher();
            assertThat(ssh.getHost()).isEqualTo(FakeEc2.privateIp(agent.getInstanceId()));
            assertThat(ssh.getPort()).isEqualTo(2222);
            assertThat(ssh.getCredentialsId()).isEqualTo("ec2-user-key");
            assertThatThrownBy(() -> c.setConnection("telnet")).hasMessageContaining("'telnet' is unknown");
        });
    }

    @SuppressWarnings("unused")
    private static Node node(JenkinsRule j, String name) {
        return j.jenkins.getNode(name);
    }

    @SuppressWarnings("unused")
    private static final long WAIT = TimeUnit.SECONDS.toMillis(30);
}
