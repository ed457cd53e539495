package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentTemplateTest {

    static AgentTemplate.Builder template(String name, String... labels) {
        return AgentTemplate.builder(name).launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large", "c5.large").labels(List.of(labels));
    }

    private static SpotFleetConfig.Builder cloud(AgentTemplate... templates) {
        return SpotFleetConfig.builder("ci", "jenkins-test").subnetIds(SpotEngineTest.SUBNETS)
                .templates(List.of(templates));
    }

    @Test
    void platformsParseInAnyCaseAndKnowTheirAgentDirectory() {
        assertThat(AgentPlatform.parse("Windows")).isEqualTo(AgentPlatform.WINDOWS);
        assertThat(AgentPlatform.parse(" linux ")).isEqualTo(AgentPlatform.LINUX);
        assertThat(AgentPlatform.LINUX.defaultRemoteFs()).isEqualTo("/opt/jenkins-agent");
        assertThat(AgentPlatform.WINDOWS.defaultRemoteFs()).isEqualTo("C:\\jenkins\\agent");
        assertThatThrownBy(() -> AgentPlatform.parse("macos")).isInstanceOf(StageException.class)
                .hasMessage("Platform 'macos' is not an agent platform.")
                .satisfies(e -> assertThat(((StageException) e).hint()).isEqualTo("Give linux or windows."));
    }

    @Test
    void aTemplateNameIsLowerCaseLettersDigitsAndDashesUpTo40() {
        assertThat(template("linux-large-2").build().name()).isEqualTo("linux-large-2");
        for (String bad : List.of("", "Linux", "linux_large", "a b", "x".repeat(41))) {
            assertThatThrownBy(() -> template(bad).build()).isInstanceOf(StageException.class)
                    .hasMessageContaining("Template name '" + bad + "' is not usable");
        }
    }

    @Test
    void settingsAreKeptAndWrongOnesNamedWithTheTemplate() {
        AgentTemplate t = AgentTemplate.builder("win").platform(AgentPlatform.WINDOWS)
                .ami("ami-0123456789abcdef0", "jenkins-agent", List.of("sg-0123456789abcdef0"), "echo hi")
                .instanceTypes("m5.large", "m5.2xlarge:4").labels(List.of("windows", " vs2022 "))
                .executorsPerAgent(2).capacity(1, 6).idleTimeout(Duration.ofMinutes(3)).maxTotalUses(1).build();

        assertThat(t.platform()).isEqualTo(AgentPlatform.WINDOWS);
        assertThat(t.usesAmi()).isTrue();
        assertThat(t.labels()).containsExactlyInAnyOrder("windows", "vs2022");
        assertThat(t.serves("vs2022")).isTrue();
        assertThat(t.serves("linux")).isFalse();
        assertThat(t.weightOf("m5.2xlarge")).isEqualTo(4);
        assertThat(t.pools(SpotEngineTest.SUBNETS)).hasSize(6);
        assertThat(List.of(t.minAgents(), t.maxAgents(), t.executorsPerAgent(), t.maxTotalUses()))
                .containsExactly(1, 6, 2, 1);
        assertThat(t.buildsPerAgent()).as("a single-use agent takes one build however many executors it has")
                .isEqualTo(1);
        assertThat(t.toBuilder().maxTotalUses(0).build().buildsPerAgent()).isEqualTo(2);

        assertThatThrownBy(() -> template("gpu").maxTotalUses(-1).build())
                .hasMessage("Template 'gpu': Maximum total uses -1 is negative.");
        assertThatThrownBy(() -> template("gpu").capacity(3, 2).build())
                .hasMessage("Template 'gpu': Capacity minimum 3 and maximum 2 are not a range.");
        assertThatThrownBy(() -> AgentTemplate.builder("gpu").instanceTypes("m5.large").build())
                .hasMessage("Template 'gpu' has neither a launch template nor an AMI.");
        assertThatThrownBy(() -> template("gpu").ami("ami-0123456789abcdef0", null, List.of(), null).build())
                .hasMessageStartingWith("Template 'gpu': Both a launch template and an AMI");
    }

    @Test
    void ownLaunchTemplateNameKeepsTheClassicNameForTheDefaultTemplate() {
        assertThat(template("default").build().ownLaunchTemplateName("linux-spot"))
                .isEqualTo("aws-delivery-stages-linux-spot");
        assertThat(template("gpu").build().ownLaunchTemplateName("linux-spot"))
                .isEqualTo("aws-delivery-stages-linux-spot/gpu");
    }

    @Test
    void theClassicBuilderDescribesOneTemplateNamedDefault() {
        SpotFleetConfig c = SpotEngineTest.config().maxTotalUses(1).build();

        assertThat(c.templates()).extracting(AgentTemplate::name).containsExactly("default");
        AgentTemplate t = c.templates().get(0);
        assertThat(t.labels()).containsExactly("linux");
        assertThat(t.executorsPerAgent()).isEqualTo(2);
        assertThat(t.maxAgents()).isEqualTo(10).isEqualTo(c.maxAgents());
        assertThat(t.maxTotalUses()).isEqualTo(1);
        assertThat(c.launchTemplateId()).contains("lt-0123456789abcdef0");
        assertThat(c.instanceTags()).containsEntry(SpotFleetConfig.TAG_TEMPLATE, "default");
        assertThat(c.ownLaunchTemplateName()).isEqualTo("aws-delivery-stages-linux-spot");
        assertThat(c.warnings()).singleElement().asString().contains("the other executors are never used");
    }

    @Test
    void workGoesToTheFirstTemplateCarryingItsLabelAndUnlabelledWorkToTheFirstTemplate() {
        SpotFleetConfig c = cloud(template("small", "linux").build(), template("large", "linux", "large").build(),
                template("win", "windows").build()).maxAgents(12).build();

        assertThat(c.templateFor("large")).map(AgentTemplate::name).contains("large");
        assertThat(c.templateFor("linux")).map(AgentTemplate::name).contains("small");
        assertThat(c.templateFor("")).map(AgentTemplate::name).contains("small");
        assertThat(c.templateFor(null)).map(AgentTemplate::name).contains("small");
        assertThat(c.templateFor("macos")).isEmpty();
        assertThat(c.serves("windows")).isTrue();
        assertThat(c.serves("macos")).isFalse();
        assertThat(c.labels()).containsExactlyInAnyOrder("linux", "large", "windows");
        assertThat(c.template("win")).isPresent();
        assertThat(c.template("gpu")).isEmpty();
        assertThat(c.maxAgents()).isEqualTo(12);
        assertThat(c.instanceTags(c.template("win").orElseThrow()))
                .containsEntry(SpotFleetConfig.TAG_TEMPLATE, "win")
                .containsEntry(SpotFleetConfig.TAG_CLOUD, "ci");
        assertThat(c.warnings()).containsExactly("Label 'linux' is carried by templates 'small' and 'large': work "
                + "asking for it always launches a 'small' agent, never a 'large' one.");

        Demand demand = new Demand(java.util.Map.of("linux", 2, "large", 3, "", 1, "macos", 7),
                java.util.Map.of("win", 4));
        assertThat(demand.queuedFor(c, c.template("small").orElseThrow())).isEqualTo(3);
        assertThat(demand.queuedFor(c, c.template("large").orElseThrow())).isEqualTo(3);
        assertThat(demand.queuedFor(c, c.template("win").orElseThrow())).isEqualTo(4);
        assertThat(demand.servedBy(c)).isEqualTo(10);
    }

    @Test
    void templatesAreOneToTwentyWithUniqueNames() {
        assertThatThrownBy(() -> cloud().build()).hasMessage("Cloud 'ci' has 0 templates.");
        AgentTemplate[] many = new AgentTemplate[21];
        for (int i = 0; i < many.length; i++) {
            many[i] = template("t" + i).build();
        }
        assertThatThrownBy(() -> cloud(many).build()).hasMessage("Cloud 'ci' has 21 templates.");
        assertThatThrownBy(() -> cloud(template("a").build(), template("a").build()).build())
                .hasMessage("Template name 'a' is used twice.");
        SpotFleetConfig minima = cloud(template("a").capacity(3, 5).build(), template("b").capacity(3, 5).build())
                .maxAgents(4).build();
        assertThat(minima.warnings()).singleElement().asString()
                .contains("minimum agents add up to 6, above the cloud-wide maximum of 4");
        assertThat(SpotEngineTest.config().maxTotalUses(1).instanceTypes("m5.large", "m5.2xlarge:4").build()
                .warnings()).containsExactly("The cloud has 2 executors per agent but each agent takes only 1 "
                        + "build(s) in all: the other executors are never used.", "The cloud weighs instance types "
                        + "and limits builds per agent: a heavier instance counts as several agents but takes no more "
                        + "than 1 build(s).");
        assertThatThrownBy(() -> cloud(template("a").build()).maxAgents(0).build())
                .hasMessageContaining("cloud-wide maximum of 0 agents is below 1");
    }

    @Test
    void reportsCountTheBuildsTakenAndOldCallersStillCompile() {
        assertThat(new AgentReport("i-1", true, 1).buildsAccepted()).isZero();
        assertThat(new AgentReport("i-1", true, 1, List.of()).buildsAccepted()).isZero();
        assertThat(new AgentReport("i-1", true, 1, List.of(), 3).buildsAccepted()).isEqualTo(3);
        assertThat(Set.of(new AgentReport("i-1", true, 1, List.of(), -2).buildsAccepted())).containsExactly(0);
    }

    @Test
    void theBootScriptFollowsTheTemplatesPlatform() {
        String linux = AgentUserData.forTemplate(AgentPlatform.LINUX, "https://ci.example.com", "ci", " ", null,
                null);

        assertThat(linux).startsWith("#!/bin/bash").contains("AGENT_DIR='/opt/jenkins-agent'");
        assertThat(AgentUserData.forTemplate(null, "https://ci.example.com", "ci", "/srv/agent", null, null))
                .contains("AGENT_DIR='/srv/agent'");
        assertThat(AgentUserData.forTemplate(AgentPlatform.WINDOWS, "https://ci.example.com", "ci", null, null,
                null)).startsWith("<powershell>\n").contains("$AgentDir = 'C:\\jenkins\\agent'");
    }

    @Test
    void anAttributeSelectedPoolCoolsDownForItsTemplateOnlyAndATypedPoolForAll() {
        PoolCooldowns cooldowns = new PoolCooldowns();
        java.time.Instant now = java.time.Instant.parse("2026-12-01T10:00:00Z");
        Pool any = new Pool(Pool.ANY_TYPE, "subnet-0aaaaaaaaaaaaaaa1");
        Pool m5 = new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1");
        cooldowns.coolDown(any, Market.SPOT, now, Duration.ofMinutes(5), "small");
        cooldowns.coolDown(m5, Market.SPOT, now, Duration.ofMinutes(5), "small");

        assertThat(cooldowns.usable(List.of(any, m5), Market.SPOT, now, "small")).isEmpty();
        assertThat(cooldowns.usable(List.of(any, m5), Market.SPOT, now, "gpu")).containsExactly(any);
        assertThat(cooldowns.usable(List.of(any, m5), Market.ON_DEMAND, now, "small")).hasSize(2);
    }
}
