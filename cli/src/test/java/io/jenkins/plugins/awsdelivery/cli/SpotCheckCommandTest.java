package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpotCheckCommandTest {

    private FakeEc2 ec2;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        System.setProperty("aws.accessKeyId", "AKIDCLITEST");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
        ec2 = new FakeEc2(Clock.systemUTC()::instant).subnet("subnet-0aaaaaaaaaaaaaaa1", "eu-west-1a")
                .subnet("subnet-0bbbbbbbbbbbbbbb2", "eu-west-1b")
                .launchTemplate("lt-0123456789abcdef0", "agents", "ami-0123456789abcdef0")
                .image("ami-0123456789abcdef0", "x86_64");
    }

    @AfterEach
    void stop() {
        ec2.close();
    }

    private int run(String... extra) {
        String[] base = {"spot-check", "--region", "eu-west-1", "--endpoint-url", ec2.server().endpoint().toString(),
            "--cloud", "linux-spot", "--controller-id", "jenkins-1", "--output", "json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void dryRunsCreateFleetOverEveryPoolAndListsTheCloudsInstances() {
        String id = ec2.addInstance("m5.large", "subnet-0aaaaaaaaaaaaaaa1", "spot",
                Map.of(SpotFleetConfig.TAG_CONTROLLER, "jenkins-1", SpotFleetConfig.TAG_CLOUD, "linux-spot"),
                java.time.Instant.now());

        int code = run("--launch-template", "lt-0123456789abcdef0", "--instance-types", "m5.large,c5.large",
                "--subnets", "subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("\"pools\" : 4").contains("EC2 accepts the request").contains(id);
        assertThat(ec2.server().requests("CreateFleet").get(0).form()).containsEntry("DryRun", "true");
        assertThat(ec2.running()).hasSize(1);
    }

    @Test
    void invalidConfigurationIsAUsageErrorNamingTheField() {
        int code = run("--launch-template", "lt-0123456789abcdef0", "--instance-types", "large",
                "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("'large' is not an EC2 instance type");
    }

    @Test
    void refusedDryRunIsAProblemNamingTheMissingPermission() {
        ec2.server().failNext("CreateFleet", 1, FakeError.accessDenied("ec2:CreateFleet"));

        int code = run("--launch-template", "lt-0123456789abcdef0", "--instance-types", "m5.large",
                "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(out.toString()).contains("\"kind\" : \"ACCESS_DENIED\"")
                .contains("\"iamAction\" : \"ec2:CreateFleet\"").contains("\"passed\" : false");
        assertThat(err.toString()).contains("AWS denied ec2:CreateFleet");
    }

    @Test
    void nonexistentSubnetsTemplatesAndTypesAreAllListedAndFailTheCheck() {
        int code = run("--launch-template", "lt-0fffffffffffffff0", "--instance-types", "m5.large,m9.huge",
                "--subnets", "subnet-0aaaaaaaaaaaaaaa1,subnet-0ccccccccccccccc3");

        assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(err.toString()).contains("Subnet subnet-0ccccccccccccccc3 does not exist in eu-west-1")
                .contains("Instance type m9.huge does not exist")
                .contains("Launch template lt-0fffffffffffffff0 does not exist")
                .contains("3 problem(s) found.")
                .doesNotContain("EC2 accepts the request");
    }

    @Test
    void anAmiWithALaunchTemplateIsRefusedInsteadOfSilentlyUsingTheTemplate() {
        int code = run("--launch-template", "lt-0123456789abcdef0", "--ami", "ami-0123456789abcdef0",
                "--instance-types", "m5.large", "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("Both a launch template and an AMI (ami-0123456789abcdef0) are set.");
        assertThat(ec2.server().requests()).isEmpty();
    }

    @Test
    void aNegativeLaunchTemplateVersionIsRefused() {
        int code = run("--launch-template", "lt-0123456789abcdef0", "--launch-template-version", "-3",
                "--instance-types", "m5.large", "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("Launch template version '-3' is not a version.");
    }

    @Test
    void securityGroupsWithALaunchTemplateAreRefused() {
        int code = run("--launch-template", "lt-0123456789abcdef0", "--security-groups", "sg-0123456789abcdef0",
                "--instance-types", "m5.large", "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("A launch template is set together with security groups");
    }

    @Test
    void readsTheCloudFromAJcascFileAndOptionsOverrideItsFields(@TempDir Path dir) throws Exception {
        Path casc = Files.writeString(dir.resolve("jenkins.yaml"), """
                jenkins:
                  clouds:
                    - kubernetes:
                        name: k8s
                    - awsSpot:
                        name: linux-spot
                        region: eu-west-1
                        launchTemplate: lt-0123456789abcdef0
                        launchTemplateVersion: "$Latest"
                        instanceTypes: >-
                          m5.large c5.large m5.2xlarge:4
                        subnetIds: subnet-0aaaaaaaaaaaaaaa1 subnet-0bbbbbbbbbbbbbbb2
                        labelString: linux spot
                        numExecutors: 2
                        maxAgents: 20
                        onDemandBase: 2
                        maxSpotPrice: "0.12"
                        onDemandFallback: false
                        idleMinutes: 15
                        tags: |
                          team=ci
                """);
        String[] args = {"spot-check", "--endpoint-url", ec2.server().endpoint().toString(), "--casc",
            casc.toString(), "--controller-id", "jenkins-1", "--subnets", "subnet-0aaaaaaaaaaaaaaa1",
            "--output", "json"};

        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"cloud\" : \"linux-spot\"").contains("\"pools\" : 3")
                .contains("\"passed\" : true");
        Map<String, String> dryRun = ec2.server().requests("CreateFleet").get(0).form();
        assertThat(dryRun).containsEntry("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", "$Latest")
                .containsEntry("LaunchTemplateConfigs.1.Overrides.1.MaxPrice", "0.12")
                .containsEntry("LaunchTemplateConfigs.1.Overrides.3.WeightedCapacity", "4.0");
    }

    @Test
    void aJcascFieldTheCloudDoesNotHaveIsRefused(@TempDir Path dir) throws Exception {
        Path casc = Files.writeString(dir.resolve("jenkins.yaml"), """
                jenkins:
                  clouds:
                    - awsSpot:
                        name: linux-spot
                        subnetId: subnet-0aaaaaaaaaaaaaaa1
                """);

        int code = run("--casc", casc.toString());

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("The awsSpot cloud has no field 'subnetId'.");
    }

    @Test
    void theJcascExampleOfTheDocsIsReadWithEveryField(@TempDir Path dir) throws Exception {
        String doc = Files.readString(Path.of("../docs/spot-agents.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        Path casc = Files.writeString(dir.resolve("jenkins.yaml"), doc.substring(start, doc.indexOf("```", start)));

        Map<String, Object> fields = SpotCheckCommand.readCasc(casc, "linux-spot");
        SpotFleetConfig config = io.jenkins.plugins.awsdelivery.core.spot.SpotCloudFields.of(fields)
                .toConfig("jenkins-1");

        assertThat(config.pools()).hasSize(18);
        assertThat(config.instanceProfile()).contains("jenkins-agent");
        assertThat(config.maxAgents()).isEqualTo(20);
        assertThat(config.tags()).containsEntry("cost-center", "1234");
    }

    @Test
    void jcascVariablesAreResolvedFromTheEnvironmentOrTheirDefault() {
        Path file = Path.of("jenkins.yaml");
        String path = System.getenv("PATH");

        assertThat(SpotCheckCommand.resolve("${PATH}", "tags", file)).isEqualTo(path);
        assertThat(SpotCheckCommand.resolve("subnet-${NO_SUCH_VARIABLE_X:-0aaaaaaaaaaaaaaa1}", "subnetIds", file))
                .isEqualTo("subnet-0aaaaaaaaaaaaaaa1");
        assertThat(SpotCheckCommand.resolve("^${PATH}", "initScript", file)).isEqualTo("${PATH}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpotCheckCommand.resolve("${NO_SUCH_VARIABLE_X}",
                "subnetIds", file)).hasMessage("Field 'subnetIds' of the JCasC file jenkins.yaml uses "
                + "${NO_SUCH_VARIABLE_X}, which is not set in the environment.");
    }

    private static final String TEMPLATES_CASC = """
            jenkins:
              clouds:
                - awsSpot:
                    name: ci
                    region: eu-west-1
                    subnetIds: ${SPOT_TEST_NO_SUCH_VARIABLE:-subnet-0aaaaaaaaaaaaaaa1} subnet-0bbbbbbbbbbbbbbb2
                    maxAgents: 12
                    templates:
                      - name: linux
                        labelString: linux
                        launchTemplate: lt-0123456789abcdef0
                        instanceTypes: m5.large c5.large
                        numExecutors: 2
                        nodeProperties:
                          - envVars:
                              env:
                                - key: TOOLS
                                  value: /opt/tools
                      - name: gpu
                        labelString: gpu
                        launchTemplate: ${SPOT_TEST_NO_SUCH_VARIABLE:-gpu-agents}
                        instanceTypes: g5.xlarge
                        maxTotalUses: 1
            """;

    @Test
    void eachTemplateOfAJcascCloudIsCheckedAndNamedInItsProblems(@TempDir Path dir) throws Exception {
        Path casc = Files.writeString(dir.resolve("jenkins.yaml"), TEMPLATES_CASC);
        String[] args = {"spot-check", "--endpoint-url", ec2.server().endpoint().toString(), "--casc",
            casc.toString(), "--controller-id", "jenkins-1"};

        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(err.toString()).contains("Cloud ci: 2 template(s), 6 pool(s) in eu-west-1.")
                .contains("Problem (templates[gpu].instanceTypes): Template gpu: Instance type g5.xlarge does not "
                        + "exist")
                .contains("Problem (templates[gpu].launchTemplate): Template gpu: Launch template gpu-agents does "
                        + "not exist")
                .contains("Template linux: EC2 accepts the request")
                .contains("2 problem(s) found.");
        assertThat(ec2.server().requests("CreateFleet")).singleElement()
                .satisfies(r -> assertThat(r.form()).containsEntry("DryRun", "true")
                        .containsEntry("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId",
                                "lt-0123456789abcdef0"));
    }

    @Test
    void templateOptionsAgainstACloudWithTemplatesAreRefused(@TempDir Path dir) throws Exception {
        Path casc = Files.writeString(dir.resolve("jenkins.yaml"), TEMPLATES_CASC);

        int code = Main.run(new String[] {"spot-check", "--endpoint-url", ec2.server().endpoint().toString(),
            "--casc", casc.toString(), "--instance-types", "m5.large"}, new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("both templates: and the single-template field(s) [instanceTypes]");
        assertThat(ec2.server().requests()).isEmpty();
    }
}
