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

    @Test
    void namesEveryFieldThePluginsCloudHas() throws Exception {
        // The cloud's JCasC fields are its constructor's name and its @DataBoundSetters.
        String source = Files.readString(Path.of("../plugin/src/main/java/io/jenkins/plugins/awsdelivery/spot/"
                + "SpotCloud.java"));
        Set<String> fields = new TreeSet<>(Set.of("name"));
        Matcher m = Pattern.compile("@DataBoundSetter\\s+public void set(\\w+)\\(").matcher(source);
        while (m.find()) {
            fields.add(Character.toLowerCase(m.group(1).charAt(0)) + m.group(1).substring(1));
        }

        assertThat(fields).hasSizeGreaterThan(20);
        assertThat(new TreeSet<>(SpotCloudFields.NAMES)).isEqualTo(fields);
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
