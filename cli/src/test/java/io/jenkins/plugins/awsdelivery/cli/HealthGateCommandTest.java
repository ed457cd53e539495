package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeHealth;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthGateCommandTest {

    private final FakeHealth health = new FakeHealth();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        health.close();
    }

    private int run(String... extra) {
        String[] base = {"health-gate", "--region", "eu-west-1", "--endpoint-url", health.server().endpoint().toString(),
            "--services", "ECS,ELASTICLOADBALANCING", "--output", "json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void passesWithExitCodeZeroWhenNothingIsOpen() {
        withFakeKeys();

        assertThat(run()).isZero();
        assertThat(out.toString()).contains("\"verdict\" : \"PASSED\"");
        assertThat(health.server().requests("DescribeEvents").get(0).signedRegion())
                .as("the aws partition's active Health endpoint").isEqualTo("us-east-1");
    }

    @Test
    void saysNoWithExitCodeOneAndATableOnStandardError() {
        withFakeKeys();
        health.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThat(run()).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(out.toString()).contains("\"verdict\" : \"FAILED\"").contains("AWS_ECS_OPERATIONAL_ISSUE");
        assertThat(err.toString()).contains("SERVICE").contains("EVENT TYPE");
    }

    @Test
    void unstableIsNotAFailedExitCode() {
        withFakeKeys();
        health.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThat(run("--on-event", "unstable")).isZero();
        assertThat(out.toString()).contains("\"verdict\" : \"UNSTABLE\"");
    }

    @Test
    void accessDeniedIsExitCodeThree() {
        withFakeKeys();
        health.server().failNext("DescribeEvents", 1, FakeError.accessDenied("health:DescribeEvents"));

        assertThat(run()).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString()).contains("ERROR: AWS denied health:DescribeEvents");
    }

    @Test
    void badParameterIsAUsageError() {
        assertThat(run("--on-event", "retry")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("'retry' is not a value of onEvent.");
    }

    private static void withFakeKeys() {
        // The CLI reads credentials from the default chain; the fake accepts any SigV4-signed request.
        System.setProperty("aws.accessKeyId", "AKIDCLITEST");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
    }
}
