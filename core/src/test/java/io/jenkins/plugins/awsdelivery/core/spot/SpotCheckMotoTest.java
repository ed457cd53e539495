package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.Problem;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.ProblemKind;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/** spot-check against moto's EC2 and IAM: what exists passes, what does not is listed, every item of it. */
class SpotCheckMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private static final String MISSING_SUBNET = "subnet-0000000000000dead";

    /** A VPC with subnets in two zones, a security group, an AMI, an instance profile and a launch template. */
    private record Account(String vpc, List<String> subnets, String group, String ami, String template) {}

    private static Account account(Ec2Client ec2, IamClient iam) {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String a = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9.0.0/24").availabilityZone("eu-west-1a"))
                .subnet().subnetId();
        String b = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9.1.0/24").availabilityZone("eu-west-1b"))
                .subnet().subnetId();
        String group = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("agents").description("agents"))
                .groupId();
        String ami = ec2.describeImages(r -> r.owners("amazon")).images().stream()
                .filter(i -> "x86_64".equals(i.architectureAsString()) && i.imageId().matches("ami-[0-9a-f]{8,17}")
                        && i.platform() == null) // a Linux image, as the templates here are Linux ones
                .findFirst().orElseThrow().imageId();
        iam.createRole(r -> r.roleName("jenkins-agent").assumeRolePolicyDocument("{}"));
        iam.createInstanceProfile(r -> r.instanceProfileName("jenkins-agent"));
        iam.addRoleToInstanceProfile(r -> r.instanceProfileName("jenkins-agent").roleName("jenkins-agent"));
        String template = ec2.createLaunchTemplate(r -> r.launchTemplateName("agents").launchTemplateData(d -> d
                .imageId(ami).securityGroupIds(group).iamInstanceProfile(p -> p.name("jenkins-agent"))))
                .launchTemplate().launchTemplateId();
        return new Account(vpc, List.of(a, b), group, ami, template);
    }

    private static SpotCheckResult check(AwsClientFactory aws, SpotFleetConfig config) {
        return new SpotCheck(aws, Clock.systemUTC()).run(config);
    }

    @Test
    void aLaunchTemplateConfigurationThatExistsPassesAndSaysWhatItFound() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Account acct = account(aws.client(Ec2Client::builder), aws.client(IamClient::builder));
            SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1")
                    .launchTemplateId(acct.template()).launchTemplateVersion("1")
                    .instanceTypes("m5.large", "c5.large").subnetIds(acct.subnets()).build();

            SpotCheckResult result = check(aws, config);

            assertThat(result.problems()).isEmpty();
            assertThat(result.passed()).isTrue();
            assertThat(String.join("\n", result.checked()))
                    .contains("subnet " + acct.subnets().get(0) + ": eu-west-1a")
                    .contains("instance type m5.large")
                    .contains("launch template " + acct.template() + " (agents), version 1")
                    .contains("image " + acct.ami() + " (in the launch template)")
                    .contains("security group " + acct.group())
                    .contains("instance profile jenkins-agent: roles [jenkins-agent]");
            assertThat(result.dryRun()).startsWith("EC2 accepts the request");
            assertThat(result.apiCalls()).containsKeys("Ec2.DescribeSubnets", "Ec2.DescribeInstanceTypes",
                    "Ec2.DescribeInstanceTypeOfferings", "Ec2.DescribeLaunchTemplates",
                    "Ec2.DescribeLaunchTemplateVersions", "Ec2.DescribeImages", "Ec2.DescribeSecurityGroups",
                    "Iam.GetInstanceProfile", "Ec2.CreateFleet");
        }
    }

    @Test
    void everyResourceThatDoesNotExistIsListedNotOnlyTheFirst() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Account acct = account(aws.client(Ec2Client::builder), aws.client(IamClient::builder));
            SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1")
                    .ami("ami-00000000deadbeef0", null, List.of(), null)
                    .instanceProfile("no-such-profile")
                    .securityGroupIds(List.of(acct.group(), "sg-0000000000000dead"))
                    .instanceTypes("m5.large", "m9.huge", "c5.large")
                    .subnetIds(List.of(acct.subnets().get(0), MISSING_SUBNET)).build();

            SpotCheckResult result = check(aws, config);

            assertThat(result.passed()).isFalse();
            assertThat(result.problems()).extracting(Problem::field, Problem::kind).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("subnetIds", ProblemKind.NOT_FOUND),
                    org.assertj.core.groups.Tuple.tuple("instanceTypes", ProblemKind.NOT_FOUND),
                    org.assertj.core.groups.Tuple.tuple("amiId", ProblemKind.NOT_FOUND),
                    org.assertj.core.groups.Tuple.tuple("securityGroupIds", ProblemKind.NOT_FOUND),
                    org.assertj.core.groups.Tuple.tuple("instanceProfile", ProblemKind.NOT_FOUND));
            assertThat(result.describeProblems())
                    .contains("Subnet " + MISSING_SUBNET + " does not exist in eu-west-1.")
                    .contains("Instance type m9.huge does not exist")
                    .contains("Image ami-00000000deadbeef0 does not exist")
                    .contains("Security group sg-0000000000000dead does not exist")
                    .contains("Instance profile no-such-profile does not exist");
            assertThat(String.join("\n", result.checked())).contains("instance type m5.large")
                    .contains("instance type c5.large").contains("security group " + acct.group());
        }
    }

    @Test
    void aMissingLaunchTemplateAndAMissingVersionAreNamed() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Account acct = account(aws.client(Ec2Client::builder), aws.client(IamClient::builder));

            SpotCheckResult noTemplate = check(aws, SpotFleetConfig.builder("linux-spot", "jenkins-1")
                    .launchTemplateName("no-such-template").instanceTypes("m5.large")
                    .subnetIds(acct.subnets()).build());
            SpotCheckResult noVersion = check(aws, SpotFleetConfig.builder("linux-spot", "jenkins-1")
                    .launchTemplateId(acct.template()).launchTemplateVersion("7").instanceTypes("m5.large")
                    .subnetIds(acct.subnets()).build());

            assertThat(noTemplate.describeProblems()).contains("Launch template no-such-template does not exist");
            assertThat(noTemplate.dryRun()).startsWith("No dry run");
            assertThat(noVersion.problems()).singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualTo("launchTemplateVersion");
                assertThat(p.message()).contains("has no version 7");
            });
        }
    }

    @Test
    void aSecurityGroupOfAnotherVpcAndAnImageOfAnotherArchitectureCannotBeUsed() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            Account acct = account(ec2, aws.client(IamClient::builder));
            String otherVpc = ec2.createVpc(r -> r.cidrBlock("10.10.0.0/16")).vpc().vpcId();
            String otherGroup = ec2.createSecurityGroup(r -> r.vpcId(otherVpc).groupName("elsewhere")
                    .description("elsewhere")).groupId();

            SpotCheckResult result = check(aws, SpotFleetConfig.builder("linux-spot", "jenkins-1")
                    .ami(acct.ami(), null, List.of(otherGroup), null).instanceProfile("jenkins-agent")
                    .instanceTypes("m5.large", "m6g.large").subnetIds(acct.subnets()).build());

            assertThat(result.problems()).extracting(Problem::kind)
                    .containsExactlyInAnyOrder(ProblemKind.NOT_USABLE, ProblemKind.NOT_USABLE);
            assertThat(result.describeProblems()).contains("Security group " + otherGroup + " is in " + otherVpc)
                    .contains("Instance type m6g.large runs [arm64] but image " + acct.ami() + " is x86_64");
        }
    }
}
