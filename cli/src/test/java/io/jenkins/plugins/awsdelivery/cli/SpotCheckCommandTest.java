package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpotCheckCommandTest {

    private FakeEc2 ec2;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        System.setProperty("aws.accessKeyId", "AKIDCLITEST");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
        ec2 = new FakeEc2(Clock.systemUTC()::instant);
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
    void refusedDryRunNamesTheMissingPermission() {
        ec2.server().failNext("CreateFleet", 1, FakeError.accessDenied("ec2:CreateFleet"));

        int code = run("--launch-template", "lt-0123456789abcdef0", "--instance-types", "m5.large",
                "--subnets", "subnet-0aaaaaaaaaaaaaaa1");

        assertThat(code).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString()).contains("AWS denied ec2:CreateFleet");
    }
}
