package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SpotCloudFieldsTest {

    /** A describable's JCasC fields: its constructor's parameters and its @DataBoundSetters. */
    private static Set<String> jcascFields(String source) {
        Set<String> fields = new TreeSet<>();
        Matcher m = Pattern.compile("@DataBoundSetter\\s+public void set(\\w+)\\(").matcher(source);
        while (m.find()) {
            fields.add(Character.toLowerCase(m.group(1).charAt(0)) + m.group(1).substring(1));
        }
        Matcher c = Pattern.compile("@DataBoundConstructor\\s+public \\w+\\(([^)]*)\\)").matcher(source);
        if (c.find()) {
            for (String parameter : c.group(1).split(",")) {
                String[] words = parameter.trim().split("\\s+");
                if (words.length > 1) {
                    fields.add(words[words.length - 1]);
                }
            }
        }
        return fields;
    }

    @Test
    void aTemplateWithoutItsOwnMaximumTakesTheCloudsAndNoTemplateGoesBeyondIt() {
        Map<String, Object> small = new LinkedHashMap<>(Map.of("name", "small", "labelString", "small",
                "launchTemplate", "agents", "instanceTypes", "m5.large", "maxAgents", 3));
        Map<String, Object> large = new LinkedHashMap<>(Map.of("name", "large", "labelString", "large",
                "launchTemplate", "agents", "instanceTypes", "m5.large", "maxAgents", 50));
        Map<String, Object> unset = new LinkedHashMap<>(Map.of("name", "unset", "labelString", "unset",
                "launchTemplate", "agents", "instanceTypes", "m5.large"));
        Map<String, Object> zero = new LinkedHashMap<>(Map.of("name", "zero", "labelString", "zero",
                "launchTemplate", "agents", "instanceTypes", "m5.large", "maxAgents", 0));
        SpotFleetConfig c = SpotCloudFields.of(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "maxAgents", 20, "templates", List.of(small, large, unset, zero))).toConfig("jenkins-1");

        assertThat(c.templates()).extracting(AgentTemplate::maxAgents).containsExactly(3, 20, 20, 20);
    }

    @Test
    void vcpuAndMemoryRangesAreNeverSilentlyIgnored() {
        Map<String, Object> maxOnly = new LinkedHashMap<>(Map.of("name", "ranges", "labelString", "r",
                "launchTemplate", "agents", "maxVcpu", 8));
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "templates", List.of(maxOnly))).toConfig("jenkins-1"))
                .hasMessageContaining("The minimum vCPU count must be at least 1, not 0.");
        Map<String, Object> both = new LinkedHashMap<>(Map.of("name", "both", "labelString", "b",
                "launchTemplate", "agents", "minVcpu", 2, "instanceTypes", "m5.large"));
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "templates", List.of(both))).toConfig("jenkins-1"))
                .hasMessageContaining("Both instance types and vCPU/memory ranges are set.");
    }

    @Test
    void aWindowsTemplateIsRefusedOnACloudWhoseAgentsConnectOverSsh() {
        Map<String, Object> windows = new LinkedHashMap<>(Map.of("name", "win", "labelString", "windows",
                "platform", "windows", "launchTemplate", "agents", "instanceTypes", "m5.large"));
        Map<String, Object> cloud = new LinkedHashMap<>(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "templates", List.of(windows)));
        assertThat(SpotCloudFields.of(cloud).toConfig("jenkins-1").templates()).singleElement()
                .extracting(AgentTemplate::platform).isEqualTo(AgentPlatform.WINDOWS);

        cloud.put("connection", "ssh");
        assertThatThrownBy(() -> SpotCloudFields.of(cloud).toConfig("jenkins-1"))
                .hasMessageContaining("Template win is a Windows template, and Windows agents connect inbound only.");
    }

    @Test
    void namesEveryFieldThePluginsCloudHas() throws Exception {
        Path spot = Path.of("../plugin/src/main/java/io/jenkins/plugins/awsdelivery/spot/");
        Set<String> fields = jcascFields(Files.readString(spot.resolve("SpotCloud.java")));

        assertThat(fields).hasSizeGreaterThan(20);
        assertThat(new TreeSet<>(SpotCloudFields.CLOUD_NAMES)).isEqualTo(fields);
        // The flat fields of clouds written before templates existed still load (into the template "default").
        assertThat(new TreeSet<>(SpotCloudFields.FLAT_TEMPLATE_NAMES))
                .isEqualTo(jcascFields(Files.readString(spot.resolve("SpotCloudFlatFields.java"))));
        assertThat(new TreeSet<>(SpotCloudFields.TEMPLATE_NAMES))
                .isEqualTo(jcascFields(Files.readString(spot.resolve("SpotAgentTemplate.java"))));
    }

    @Test
    void aTemplatesListDescribesEachTemplateAndTheFlatFieldsOneNamedDefault() {
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("name", "linux");
        linux.put("labelString", "linux docker");
        linux.put("launchTemplate", "lt-0123456789abcdef0");
        linux.put("launchTemplateVersion", "$Latest");
        linux.put("instanceTypes", List.of("m5.large", "m5.2xlarge:4"));
        linux.put("numExecutors", 2);
        linux.put("minAgents", 1);
        linux.put("maxAgents", 8);
        linux.put("idleMinutes", 5);
        linux.put("remoteFs", "/opt/agent");
        linux.put("nodeProperties", List.of(Map.of("envVars", Map.of("env", List.of(Map.of("key", "A",
                "value", "1"))))));
        Map<String, Object> windows = new LinkedHashMap<>();
        windows.put("name", "windows");
        windows.put("labelString", "windows");
        windows.put("platform", "Windows");
        windows.put("amiId", "ami-0123456789abcdef0");
        windows.put("securityGroupIds", "sg-0123456789abcdef0");
        windows.put("instanceProfile", "jenkins-agent");
        windows.put("minVcpu", 4);
        windows.put("minMemoryMiB", 16384);
        windows.put("maxTotalUses", 1);
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("name", "ci");
        yaml.put("subnetIds", "subnet-0aaaaaaaaaaaaaaa1 subnet-0bbbbbbbbbbbbbbb2");
        yaml.put("maxAgents", 12);
        yaml.put("onDemandBase", 1);
        yaml.put("templates", List.of(linux, windows));

        SpotFleetConfig c = SpotCloudFields.of(yaml).toConfig("jenkins-1");

        assertThat(c.maxAgents()).as("the cloud-wide maximum").isEqualTo(12);
        assertThat(c.onDemandBase()).isEqualTo(1);
        assertThat(c.templates()).extracting(AgentTemplate::name).containsExactly("linux", "windows");
        AgentTemplate l = c.template("linux").orElseThrow();
        assertThat(l.labels()).containsExactlyInAnyOrder("linux", "docker");
        assertThat(l.launchTemplateId()).contains("lt-0123456789abcdef0");
        assertThat(l.launchTemplateVersion()).isEqualTo("$Latest");
        assertThat(l.weightOf("m5.2xlarge")).isEqualTo(4);
        assertThat(List.of(l.executorsPerAgent(), l.minAgents(), l.maxAgents(), l.maxTotalUses()))
                .containsExactly(2, 1, 8, 0);
        assertThat(l.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        AgentTemplate w = c.template("windows").orElseThrow();
        assertThat(w.platform()).isEqualTo(AgentPlatform.WINDOWS);
        assertThat(w.amiId()).contains("ami-0123456789abcdef0");
        assertThat(w.instanceRequirements()).contains(new InstanceRequirementsSpec(4, 0, 16384, 0));
        assertThat(w.maxTotalUses()).isEqualTo(1);
        assertThat(w.ownLaunchTemplateName("ci")).isEqualTo("aws-delivery-stages-ci/windows");
        assertThat(c.templateFor("docker")).contains(l);
        assertThat(c.templateFor("")).contains(l);

        SpotFleetConfig flat = SpotCloudFields.of(Map.of("name", "ci", "launchTemplate", "agents",
                "instanceTypes", "m5.large", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1", "maxAgents", 7,
                "minAgents", 2)).toConfig("jenkins-1");
        assertThat(flat.templates()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("default");
            assertThat(List.of(t.minAgents(), t.maxAgents())).containsExactly(2, 7);
        });
        assertThat(flat.maxAgents()).isEqualTo(7);
    }

    @Test
    void bothFormsAtOnceAndWrongTemplateEntriesAreRefused() {
        Map<String, Object> t = Map.of("name", "linux", "launchTemplate", "agents", "instanceTypes", "m5.large");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "templates", List.of(t),
                "instanceTypes", "m5.large", "numExecutors", 2)))
                .isInstanceOf(StageException.class)
                .hasMessage("The awsSpot cloud has both templates: and the single-template field(s) "
                        + "[instanceTypes, numExecutors] on the cloud.")
                .satisfies(e -> assertThat(((StageException) e).hint()).startsWith("Move instanceTypes, "
                        + "numExecutors into an entry of templates:"));
        SpotCloudFields file = SpotCloudFields.of(Map.of("name", "ci", "templates", List.of(t)));
        assertThatThrownBy(() -> file.with(Map.of("minAgents", 1)))
                .hasMessageContaining("both templates: and the single-template field(s) [minAgents]");
        assertThat(file.with(Map.of("maxAgents", 3)).number("maxAgents", 10)).as("the cloud-wide maximum")
                .isEqualTo(3);

        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "templates", List.of(Map.of("name", "x",
                "subnetIds", "subnet-0aaaaaaaaaaaaaaa1")))).templates())
                .hasMessage("Template 'x' has no field 'subnetIds'.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "templates", List.of(Map.of(
                "labelString", "x")))).templates()).hasMessage("Template 1 of templates: has no name.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "templates", "linux")).templates())
                .hasMessage("Field 'templates' is not a list.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "templates", List.of(Map.of("name", "gpu", "launchTemplate", "agents", "instanceTypes", "g5.xlarge",
                        "maxTotalUses", "once"))))
                .toConfig("jenkins-1")).hasMessage("Field 'maxTotalUses' of template 'gpu' is 'once', not a whole "
                + "number.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("name", "ci", "subnetIds", "subnet-0aaaaaaaaaaaaaaa1",
                "templates", List.of(Map.of("name", "gpu", "launchTemplate", "agents", "instanceTypes", "g5.xlarge",
                        "platform", "macos"))))
                .toConfig("jenkins-1")).hasMessage("Platform 'macos' is not an agent platform.");
    }

    @Test
    void everyFieldThatShapesALaunchReachesTheConfiguration() {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("name", "linux-spot");
        yaml.put("launchTemplate", "agents");
        yaml.put("launchTemplateVersion", 4);
        yaml.put("instanceTypes", "m5.large c5.large,m5.2xlarge:4");
        yaml.put("subnetIds", List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"));
        yaml.put("labelString", "linux spot");
        yaml.put("numExecutors", 2);
        yaml.put("minAgents", 1);
        yaml.put("maxAgents", 20);
        yaml.put("onDemandBase", 2);
        yaml.put("allocationStrategy", "capacity-optimized");
        yaml.put("maxSpotPrice", "0.12");
        yaml.put("onDemandFallback", false);
        yaml.put("idleMinutes", 15);
        yaml.put("connectTimeoutMinutes", 7);
        yaml.put("tags", "team=ci\ncost-center=1234\n");
        yaml.put("remoteFs", "/opt/agent");

        SpotFleetConfig c = SpotCloudFields.of(yaml).toConfig("jenkins-1");

        assertThat(c.launchTemplateName()).contains("agents");
        assertThat(c.launchTemplateVersion()).isEqualTo("4");
        assertThat(c.pools()).hasSize(6);
        assertThat(c.weightOf("m5.2xlarge")).isEqualTo(4);
        assertThat(c.labels()).containsExactlyInAnyOrder("linux", "spot");
        assertThat(c.executorsPerAgent()).isEqualTo(2);
        assertThat(List.of(c.minAgents(), c.maxAgents(), c.onDemandBase())).containsExactly(1, 20, 2);
        assertThat(c.allocationStrategy()).isEqualTo(AllocationStrategy.CAPACITY_OPTIMIZED);
        assertThat(c.maxSpotPrice()).contains(new BigDecimal("0.12"));
        assertThat(c.onDemandFallback()).isFalse();
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMinutes(7));
        assertThat(c.tags()).containsEntry("team", "ci").containsEntry("cost-center", "1234");
    }

    @Test
    void amiFieldsAndAttributeSelection() {
        SpotFleetConfig c = SpotCloudFields.of(Map.of("name", "arm", "amiId", "ami-0123456789abcdef0",
                "instanceProfile", "jenkins-agent", "securityGroupIds", "sg-0123456789abcdef0 sg-0123456789abcdef1",
                "keyName", "ci", "minVcpu", 2, "maxVcpu", 8, "minMemoryMiB", 4096,
                "subnetIds", "subnet-0aaaaaaaaaaaaaaa1")).toConfig("jenkins-1");

        assertThat(c.amiId()).contains("ami-0123456789abcdef0");
        assertThat(c.instanceProfile()).contains("jenkins-agent");
        assertThat(c.securityGroupIds()).containsExactly("sg-0123456789abcdef0", "sg-0123456789abcdef1");
        assertThat(c.keyName()).contains("ci");
        assertThat(c.instanceRequirements()).contains(new InstanceRequirementsSpec(2, 8, 4096, 0));
    }

    @Test
    void optionsOverrideTheFilesFieldsAndWrongValuesAreNamed() {
        SpotCloudFields file = SpotCloudFields.of(Map.of("name", "linux-spot", "maxAgents", 20));
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("maxAgents", 5);
        options.put("name", null);

        assertThat(file.with(options).number("maxAgents", 10)).isEqualTo(5);
        assertThat(file.with(options).name()).isEqualTo("linux-spot");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("maxAgents", "many")).number("maxAgents", 10))
                .isInstanceOf(StageException.class).hasMessage("Field 'maxAgents' is 'many', not a whole number.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("onDemandFallback", "yes")).flag("onDemandFallback",
                true)).hasMessage("Field 'onDemandFallback' is 'yes', not true or false.");
        assertThatThrownBy(() -> SpotCloudFields.of(Map.of("amiID", "ami-0123456789abcdef0")))
                .hasMessage("The awsSpot cloud has no field 'amiID'.");
    }
}
