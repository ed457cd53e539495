package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpotFleetConfigTest {

    @Test
    void sixTypesInThreeZonesMakeEighteenPoolsWithWeights() {
        SpotFleetConfig c = SpotEngineTest.config().instanceTypes("m5.large", "m5a.large", "m6i.large",
                "c5.large", "c6i.large", "m5.2xlarge:4").build();

        assertThat(c.pools()).hasSize(18);
        assertThat(c.weightOf("m5.2xlarge")).isEqualTo(4);
        assertThat(c.instanceTags()).containsEntry(SpotFleetConfig.TAG_CLOUD, "linux-spot")
                .containsEntry("Name", "jenkins-agent-linux-spot");
        assertThat(c.allocationStrategy()).isEqualTo(AllocationStrategy.PRICE_CAPACITY_OPTIMIZED);
        assertThat(c.onDemandFallback()).isTrue();
    }

    @Test
    void attributeBasedSelectionIsOnePoolPerSubnet() {
        SpotFleetConfig c = SpotEngineTest.config().instanceTypes(List.of())
                .instanceRequirements(new InstanceRequirementsSpec(2, 8, 4096, 0)).build();

        assertThat(c.pools()).hasSize(3).allSatisfy(p -> assertThat(p.instanceType()).isEqualTo(Pool.ANY_TYPE));
    }

    @Test
    void wrongInputIsNamedWithWhatToDo() {
        assertThatThrownBy(() -> SpotEngineTest.config().instanceTypes("m5.large", "m5.large").build())
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> SpotEngineTest.config().instanceTypes("large").build())
                .isInstanceOf(StageException.class).hasMessageContaining("'large' is not an EC2 instance type");
        assertThatThrownBy(() -> SpotEngineTest.config().subnetIds(List.of("subnet-xyz")).build())
                .hasMessageContaining("'subnet-xyz' is not a subnet ID");
        assertThatThrownBy(() -> SpotEngineTest.config().capacity(5, 2, 0).build())
                .hasMessageContaining("minimum 5 and maximum 2");
        assertThatThrownBy(() -> SpotEngineTest.config().launchTemplateId(null).build())
                .satisfies(e -> assertThat(((StageException) e).hint()).contains("launch template ID or name"));
        assertThatThrownBy(() -> SpotEngineTest.config().maxSpotPrice(BigDecimal.ZERO).build())
                .hasMessageContaining("not positive");
        assertThatThrownBy(() -> SpotFleetConfig.parsePrice("cheap")).hasMessageContaining("'cheap' is not a number");
        assertThatThrownBy(() -> SpotFleetConfig.parsePrice("-0.01")).hasMessageContaining("is not positive");
        assertThat(SpotFleetConfig.parsePrice(" 0.05 ")).isEqualByComparingTo("0.05");
        assertThatThrownBy(() -> SqsInterruptionSource.checkQueueUrl("spot-notices"))
                .hasMessageContaining("'spot-notices' is not an SQS queue URL");
        assertThatThrownBy(() -> SpotEngineTest.config().tags(Map.of("aws:x", "y")).build())
                .hasMessageContaining("'aws:x' cannot be used");
        assertThatThrownBy(() -> AllocationStrategy.parse("cheapest"))
                .hasMessageContaining("'cheapest'").satisfies(e -> assertThat(((StageException) e).hint())
                        .contains("price-capacity-optimized, capacity-optimized, lowest-price"));
        assertThat(AllocationStrategy.parse("CAPACITY_OPTIMIZED")).isEqualTo(AllocationStrategy.CAPACITY_OPTIMIZED);
    }

    @Test
    void aLaunchTemplateVersionIsDefaultLatestOrAPositiveNumber() {
        for (String ok : List.of("$Default", "$Latest", "1", "42")) {
            assertThat(SpotEngineTest.config().launchTemplateVersion(ok).build().launchTemplateVersion())
                    .isEqualTo(ok);
        }
        for (String bad : List.of("-3", "0", "latest", "1.5", "$default")) {
            assertThatThrownBy(() -> SpotEngineTest.config().launchTemplateVersion(bad).build())
                    .isInstanceOf(StageException.class)
                    .hasMessage("Launch template version '" + bad + "' is not a version.");
        }
    }

    @Test
    void settingsThatOnlyAnAmiUsesAreRefusedWithALaunchTemplate() {
        assertThatThrownBy(() -> SpotEngineTest.config().instanceProfile("jenkins-agent").build())
                .hasMessageContaining("A launch template is set together with an instance profile (jenkins-agent)");
        assertThatThrownBy(() -> SpotEngineTest.config().securityGroupIds(List.of("sg-0123456789abcdef0")).build())
                .hasMessageContaining("security groups [sg-0123456789abcdef0], which would be ignored");
        assertThatThrownBy(() -> SpotEngineTest.config().ami("ami-0123456789abcdef0", null, List.of(), null)
                .build()).hasMessageContaining("Both a launch template and an AMI");
        assertThatThrownBy(() -> SpotFleetConfig.builder("c", "j").ami("ami-0123456789abcdef0", null, List.of(),
                null).launchTemplateVersion("3").instanceTypes("m5.large")
                .subnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1")).build())
                .hasMessageContaining("A launch template version (3) is set without a launch template.");
    }
}
