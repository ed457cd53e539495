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

    @ParameterizedTest
    @CsvSource({"eu-west-1, aws", "US-GOV-WEST-1, aws-us-gov", "cn-northwest-1, aws-cn", "ap-southeast-4, aws"})
    void knownRegionsComeFromTheSdksPartitionMetadata(String region, String partition) {
        String r = Partition.requireKnownRegion("regions", region);

        assertThat(Partition.partitionIdOf(r)).isEqualTo(partition);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mars-1", "eu-wset-1", "aws-global", "global", ""})
    void unknownRegionsAreRefusedNamingTheField(String region) {
        assertThatThrownBy(() -> Partition.requireKnownRegion("regions", region)).isInstanceOf(StageException.class)
                .hasMessage("regions '" + region + "' is not an AWS region.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:ecs:eu-west-1:123456789012:service/prod/web", "arn:aws:s3:::my-bucket",
        "arn:aws:iam::123456789012:role/deployer", "arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0abc",
        "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"})
    void wellShapedArnsOfKnownPartitionsAreAccepted(String arn) {
        assertThat(ResourceArn.parse("entityArns", arn).toString()).isEqualTo(arn);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not-an-arn | is not an ARN.",
        "arn:aws:ecs | is not an ARN.",
        "arn:aws:ecs:eu-west-1:12345:service/x | is not an ARN.",
        "arn:awz:ecs:eu-west-1:123456789012:service/x | names partition 'awz', which is not an AWS partition."})
    void malformedArnsAreRefusedNamingTheField(String arn, String message) {
        assertThatThrownBy(() -> ResourceArn.parse("entityArns", arn)).isInstanceOf(StageException.class)
                .hasMessage("entityArns '" + arn + "' " + message);
    }
}
