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

    // ---- issue 15 ----

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--regions     | mars-1     | regions 'mars-1' is not an AWS region.",
        "--entity-arns | not-an-arn | entityArns 'not-an-arn' is not an ARN.",
        "--services    | ec2!       | services 'ec2!' is not an AWS Health service code."})
    void invalidFiltersExitTwoWithAJsonErrorAndCallNothing(String option, String value, String message)
            throws Exception {
        withFakeKeys();
        health.event("EC2", "AWS_EC2_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        int code = Main.run(new String[] {"health-gate", "--region", "eu-west-1", "--endpoint-url",
            health.server().endpoint().toString(), option, value, "--output", "json"},
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(health.server().requests()).isEmpty();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(json.path("status").asText()).isEqualTo("INVALID_INPUT");
        assertThat(json.path("exitCode").asInt()).isEqualTo(2);
        assertThat(json.path("error").path("kind").asText()).isEqualTo("INVALID_INPUT");
        assertThat(json.path("error").path("message").asText()).isEqualTo(message);
        assertThat(err.toString()).contains("ERROR: " + message);
    }

    @Test
    void passiveEndpointUrlAimsTheFailover() throws Exception {
        withFakeKeys();
        try (FakeHealth passive = new FakeHealth()) {
            health.server().down(true);
            passive.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

            assertThat(run("--passive-endpoint-url", passive.server().endpoint().toString()))
                    .isEqualTo(Main.STAGE_SAID_NO);

            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
            assertThat(json.path("failedOver").asBoolean()).isTrue();
            assertThat(json.path("endpointRegion").asText()).isEqualTo("us-east-2");
            assertThat(json.path("eventCount").asInt()).isEqualTo(1);
            assertThat(json.path("apiCalls").asLong())
                    .isEqualTo(health.server().requests().size() + passive.server().requests().size());
            assertThat(passive.server().requests("DescribeEvents").get(0).signedRegion()).isEqualTo("us-east-2");
        }
    }

    @Test
    void passiveEndpointThatIsNotAUrlIsAUsageError() {
        withFakeKeys();

        assertThat(run("--passive-endpoint-url", "health-passive")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("The passive AWS Health endpoint 'health-passive' is not a URL.");
        assertThat(health.server().requests()).isEmpty();
    }

    @Test
    void awsErrorsExitThreeWithAJsonError() throws Exception {
        withFakeKeys();
        health.server().failNext("DescribeEvents", 1, FakeError.accessDenied("health:DescribeEvents"));

        assertThat(run()).isEqualTo(Main.SERVICE_ERROR);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(json.path("status").asText()).isEqualTo("ERROR");
        assertThat(json.path("error").path("kind").asText()).isEqualTo("AWS");
        assertThat(json.path("error").path("message").asText()).startsWith("AWS denied health:DescribeEvents");
        assertThat(err.toString()).contains("on resource: *. Allow health:DescribeEvents in the IAM policy");
    }

    @Test
    void missingRegionNamesTheRegionOption() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                && System.getenv("AWS_DEFAULT_REGION") == null, "AWS_REGION is set in this environment");

        int code = Main.run(new String[] {"health-gate", "--output", "json"}, new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("ERROR: No AWS region was given. Give --region");
        assertThat(out.toString()).contains("\"status\" : \"INVALID_INPUT\"");
    }

    @Test
    void failingEntityAggregatesKeepsTheVerdictAndExitCodeOne() throws Exception {
        withFakeKeys();
        health.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
        health.server().failNext("DescribeEntityAggregates", 1,
                FakeError.accessDenied("health:DescribeEntityAggregates"));

        assertThat(run()).isEqualTo(Main.STAGE_SAID_NO);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(json.path("verdict").asText()).isEqualTo("FAILED");
        assertThat(json.path("warnings").get(0).asText()).contains("health:DescribeEntityAggregates");
        assertThat(err.toString()).contains("WARNING: Could not read affected entity counts");
    }

    @Test
    void waitTimeoutResultListsTheEventItsMessageCounts() throws Exception {
        withFakeKeys();
        health.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThat(run("--on-event", "wait", "--timeout", "11s", "--poll-interval", "10s"))
                .isEqualTo(Main.STAGE_SAID_NO);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(json.path("message").asText()).contains("1 matching event(s) open");
        assertThat(json.path("eventCount").asInt()).isEqualTo(1);
        assertThat(json.path("events").get(0).path("eventTypeCode").asText()).isEqualTo("AWS_ECS_OPERATIONAL_ISSUE");
    }

    @Test
    void hangingActiveEndpointFailsOverWithin15Seconds() throws Exception {
        withFakeKeys();
        try (FakeHealth passive = new FakeHealth()) {
            health.server().hang(true);
            passive.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

            long started = System.nanoTime();
            int code = run("--passive-endpoint-url", passive.server().endpoint().toString());

            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(java.time.Duration.ofSeconds(15));
            assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
            assertThat(err.toString()).contains("The AWS Health endpoint in us-east-1 failed (did not answer within "
                    + "6s); the passive endpoint in us-east-2 answered.");
        }
    }
}
