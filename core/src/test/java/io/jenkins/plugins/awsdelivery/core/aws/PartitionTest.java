package io.jenkins.plugins.awsdelivery.core.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionTest {

    @ParameterizedTest
    @CsvSource({
        "us-east-1, aws, us-east-1, us-east-2",
        "eu-west-1, aws, us-east-1, us-east-2",
        "ap-southeast-4, aws, us-east-1, us-east-2",
        "cn-north-1, aws-cn, cn-north-1, cn-northwest-1",
        "cn-northwest-1, aws-cn, cn-north-1, cn-northwest-1",
        "us-gov-west-1, aws-us-gov, us-gov-west-1, us-gov-east-1",
        "us-gov-east-1, aws-us-gov, us-gov-west-1, us-gov-east-1"
    })
    void regionMapsToItsPartition(String region, String partition, String healthActive, String healthPassive) {
        Partition p = Partition.forRegion(region);

        assertThat(p.id()).isEqualTo(partition);
        assertThat(p.healthActiveRegion()).isEqualTo(healthActive);
        assertThat(p.healthPassiveRegion()).isEqualTo(healthPassive);
        assertThat(p.arn("ecs", region, "123456789012", "cluster/prod"))
                .isEqualTo("arn:" + partition + ":ecs:" + region + ":123456789012:cluster/prod");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "eu", "Frankfurt", "eu-west", "arn:aws:ecs"})
    void somethingThatIsNotARegionIsRejected(String region) {
        assertThatThrownBy(() -> Partition.forRegion(region)).isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).hint()).isNotEmpty());
    }
}
