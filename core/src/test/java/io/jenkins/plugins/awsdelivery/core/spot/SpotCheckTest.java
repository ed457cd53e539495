package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.Problem;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.ProblemKind;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** spot-check against the scripted EC2: denied calls and throttling, which moto does not play. */
class SpotCheckTest {

    private static final String TEMPLATE = "lt-0123456789abcdef0";
    private static final List<String> SUBNETS = List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2");

    private FakeEc2 ec2;

    @BeforeEach
    void start() {
        ec2 = new FakeEc2(Clock.systemUTC()::instant).subnet(SUBNETS.get(0), "eu-west-1a")
                .subnet(SUBNETS.get(1), "eu-west-1b").launchTemplate(TEMPLATE, "agents", "ami-0123456789abcdef0")
                .image("ami-0123456789abcdef0", "x86_64");
    }

    @AfterEach
    void stop() {
        ec2.close();
    }

    private static SpotFleetConfig config() {
        return SpotFleetConfig.builder("linux-spot", "jenkins-1").launchTemplateId(TEMPLATE)
                .instanceTypes("m5.large", "c5.large").subnetIds(SUBNETS).build();
    }

    private SpotCheckResult check() {
        try (AwsClientFactory aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            return new SpotCheck(aws, Clock.systemUTC()).run(config());
        }
    }

    @Test
    void everyDeniedCallIsAProblemNamingItsIamActionAndTheOtherChecksStillRun() {
        ec2.server().failNext("DescribeSubnets", 1, FakeError.accessDenied("ec2:DescribeSubnets"));
        ec2.server().failNext("DescribeImages", 1, FakeError.accessDenied("ec2:DescribeImages"));
        ec2.server().failNext("CreateFleet", 1, FakeError.accessDenied("iam:PassRole"));

        SpotCheckResult result = check();

        assertThat(result.problems()).extracting(Problem::kind).containsOnly(ProblemKind.ACCESS_DENIED);
        assertThat(result.problems()).extracting(Problem::iamAction)
                .containsExactly("ec2:DescribeSubnets", "ec2:DescribeImages", "iam:PassRole");
        assertThat(result.problems().get(0).message()).startsWith("AWS denied ec2:DescribeSubnets "
                + "(AccessDeniedException), so the subnets could not be checked. Allow ec2:DescribeSubnets");
        assertThat(String.join("\n", result.checked())).contains("instance type m5.large")
                .contains("launch template " + TEMPLATE);
        assertThat(ec2.running()).isEmpty();
    }

    @Test
    void throttlingWithinTheRetriesIsNoProblemAndEveryRequestIsCounted() {
        ec2.server().failNext("DescribeInstanceTypes", 1, FakeError.throttling("RequestLimitExceeded"));

        SpotCheckResult result = check();

        assertThat(result.problems()).isEmpty();
        assertThat(result.dryRun()).startsWith("EC2 accepts the request: 1 instance(s)");
        assertThat(ec2.server().count("DescribeInstanceTypes")).isEqualTo(2);
    }

    @Test
    void throttlingBeyondTheRetriesIsAThrottledProblem() {
        ec2.server().failNext("DescribeLaunchTemplates", 10, FakeError.throttling("RequestLimitExceeded"));

        SpotCheckResult result = check();

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.THROTTLED);
            assertThat(p.field()).isEqualTo("launchTemplate");
            assertThat(p.message()).contains("AWS throttled ec2:DescribeLaunchTemplates beyond the retries");
        });
        assertThat(result.dryRun()).startsWith("No dry run");
    }

    @Test
    void theCloudFormsTestConnectionGetsEveryProblemInOneMessage() {
        ec2.server().failNext("DescribeSubnets", 1, FakeError.accessDenied("ec2:DescribeSubnets"));
        SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1").launchTemplateId(TEMPLATE)
                .instanceTypes("m5.large", "m9.huge").subnetIds(SUBNETS).build();

        try (AwsClientFactory aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            assertThatThrownBy(() -> SpotCheckResult.check(config, new Ec2FleetApi(aws, Clock.systemUTC()),
                    aws.calls()))
                    .isInstanceOf(StageException.class)
                    .hasMessageContaining("Cloud linux-spot has 2 problem(s):")
                    .hasMessageContaining("AWS denied ec2:DescribeSubnets")
                    .hasMessageContaining("Instance type m9.huge does not exist in eu-west-1");
        }
    }

    @Test
    void wellFormedButNonexistentResourcesDoNotPassOnTheDryRunAlone() {
        // This EC2 accepts every dry run, as one that does not validate dry runs fully would.
        SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1")
                .launchTemplateId("lt-0fffffffffffffff0").instanceTypes("m5.large")
                .subnetIds(List.of("subnet-0ccccccccccccccc3")).build();

        try (AwsClientFactory aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            SpotCheckResult result = new SpotCheck(aws, Clock.systemUTC()).run(config);

            assertThat(result.passed()).isFalse();
            assertThat(result.describeProblems()).contains("Subnet subnet-0ccccccccccccccc3 does not exist")
                    .contains("Launch template lt-0fffffffffffffff0 does not exist");
        }
    }

    @Test
    void eachTemplateIsCheckedAndNamedInItsProblems() {
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId(TEMPLATE)
                .instanceTypes("m5.large", "c5.large").labels(List.of("linux")).build();
        AgentTemplate big = AgentTemplate.builder("big").launchTemplateName("missing-agents")
                .instanceTypes("m9.huge").labels(List.of("big", "linux")).build();
        SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1").subnetIds(SUBNETS)
                .templates(List.of(linux, big)).build();

        SpotCheckResult result;
        try (AwsClientFactory aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            result = new SpotCheck(aws, Clock.systemUTC()).run(config);
        }

        assertThat(result.problems()).extracting(Problem::field)
                .containsExactly("templates[big].instanceTypes", "templates[big].launchTemplate");
        assertThat(result.problems()).extracting(Problem::message).allSatisfy(m -> assertThat(m)
                .startsWith("Template big: "));
        assertThat(result.problems().get(0).message()).contains("Instance type m9.huge does not exist");
        assertThat(result.problems().get(1).message()).contains("Launch template missing-agents does not exist");
        assertThat(result.checked()).contains("template linux: launch template " + TEMPLATE
                + " (agents), version 1 ($Default)");
        assertThat(result.dryRun()).contains("Template linux: EC2 accepts the request")
                .contains("Template big: No dry run: the launch template could not be used.");
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("Label 'linux' is carried by "
                + "templates 'linux' and 'big'"));
        assertThat(result.pools()).isEqualTo(6);
    }
    @Test
    void anImageOfTheOtherPlatformIsAProblemNamingTheTemplate() {
        ec2.windowsImage("ami-0fedcba9876543210", "x86_64");
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId(TEMPLATE)
                .instanceTypes("m5.large").labels(List.of("linux")).build();
        AgentTemplate winOnLinux = AgentTemplate.builder("win").platform(AgentPlatform.WINDOWS)
                .amiId("ami-0123456789abcdef0").instanceTypes("m5.large").labels(List.of("windows")).build();
        AgentTemplate linuxOnWin = AgentTemplate.builder("tools").amiId("ami-0fedcba9876543210")
                .instanceTypes("m5.large").labels(List.of("tools")).build();
        AgentTemplate windows = AgentTemplate.builder("windows").platform(AgentPlatform.WINDOWS)
                .amiId("ami-0fedcba9876543210").instanceTypes("m5.large").labels(List.of("win")).build();
        SpotFleetConfig config = SpotFleetConfig.builder("linux-spot", "jenkins-1").subnetIds(SUBNETS)
                .templates(List.of(linux, winOnLinux, linuxOnWin, windows)).build();

        SpotCheckResult result;
        try (AwsClientFactory aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            result = new SpotCheck(aws, Clock.systemUTC()).run(config);
        }

        assertThat(result.problems()).extracting(Problem::field)
                .containsExactly("templates[win].platform", "templates[tools].platform");
        assertThat(result.problems().get(0).message()).isEqualTo("Template win: Image ami-0123456789abcdef0 is a "
                + "Linux image, but template win starts Windows agents (platform: windows). Use a Windows AMI, or set "
                + "the template's platform to linux.");
        assertThat(result.problems().get(1).message()).contains("Image ami-0fedcba9876543210 is a Windows image, "
                + "but template tools starts Linux agents");
    }
}
