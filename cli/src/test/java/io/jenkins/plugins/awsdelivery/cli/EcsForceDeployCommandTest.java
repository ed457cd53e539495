package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EcsForceDeployCommandTest {

    private FakeEcs ecs;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        System.setProperty("aws.accessKeyId", "AKIDCLITEST");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
        ecs = new FakeEcs(Clock.systemUTC()::instant).withService("prod", "web", 2);
    }

    @AfterEach
    void stop() {
        ecs.close();
    }

    private int run(String... extra) {
        String[] base = {"ecs-force-deploy", "--region", "eu-west-1", "--endpoint-url",
            ecs.server().endpoint().toString(), "--cluster", "prod", "--output", "json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void startsTheDeploymentWithANewImageWithoutWaiting() {
        int code = run("--service", "web", "--image", "web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:3",
                "--no-wait");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("\"status\" : \"IN_PROGRESS\"").contains("task-definition/web:2");
        assertThat(err.toString()).contains("Started deployment ecs-svc/");
    }

    @Test
    void timeoutIsTheStageSayingNo() {
        ecs.rollout(FakeEcs.Rollout.NEVER_FINISHES, Duration.ofMinutes(5));

        int code = run("--service", "web", "--timeout", "2s", "--min-poll-interval", "1s", "--max-poll-interval", "1s");

        assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(out.toString()).contains("\"status\" : \"TIMED_OUT\"");
    }

    @Test
    void missingServiceIsAUsageErrorThatChangesNothing() {
        assertThat(run("--service", "api")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("ECS service 'api' not found in cluster 'prod' (eu-west-1).");
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void imageArgumentsNameContainersOrTheOnlyOne() {
        assertThat(io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest.parseImages(java.util.List.of("repo/web:1"))).containsEntry("", "repo/web:1");
        assertThat(io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest.parseImages(java.util.List.of("web=repo/web:1", "sidecar=repo/s:2")))
                .containsEntry("web", "repo/web:1").containsEntry("sidecar", "repo/s:2");
    }

    // ---- issue 15 ----

    private com.fasterxml.jackson.databind.JsonNode json() throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    }

    @Test
    void missingTaskDefinitionIsAUsageErrorLikeAMissingService() throws Exception {
        assertThat(run("--service", "web", "--task-definition", "web:9")).isEqualTo(Main.USAGE);
        assertThat(json().path("error").path("message").asText())
                .isEqualTo("ECS task definition 'web:9' (taskDefinition) not found in eu-west-1.");
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void zeroTimeoutIsAUsageErrorThatDeploysNothing() throws Exception {
        assertThat(run("--service", "web", "--timeout", "0s")).isEqualTo(Main.USAGE);
        assertThat(json().path("status").asText()).isEqualTo("INVALID_INPUT");
        assertThat(err.toString()).contains("timeout 0s is not positive.");
        assertThat(ecs.server().requests()).isEmpty();
    }

    @Test
    void deniedUpdateReadsAsTwoSentencesAndPrintsAJsonError() throws Exception {
        ecs.server().failNext("UpdateService", 1,
                io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError.accessDenied("ecs:UpdateService"));

        assertThat(run("--service", "web")).isEqualTo(Main.SERVICE_ERROR);

        assertThat(err.toString()).contains("on resource: *. Allow ecs:UpdateService in the IAM policy");
        assertThat(json().path("status").asText()).isEqualTo("ERROR");
        assertThat(json().path("exitCode").asInt()).isEqualTo(3);
        assertThat(json().path("error").path("hint").asText()).startsWith("Allow ecs:UpdateService");
    }

    @Test
    void refusedRollbackStillExitsOneWithTheTimedOutResult() throws Exception {
        ecs.rollout(FakeEcs.Rollout.NEVER_FINISHES, Duration.ofMinutes(5));
        ecs.server().failNext("StopServiceDeployment", 1,
                io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError.accessDenied(
                        "ecs:StopServiceDeployment"));

        int code = run("--service", "web", "--timeout", "2s", "--rollback-on-timeout", "--min-poll-interval", "1s",
                "--max-poll-interval", "1s");

        assertThat(code).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(json().path("status").asText()).isEqualTo("TIMED_OUT");
        assertThat(json().path("reason").asText()).contains("The rollback was refused: AWS denied "
                + "ecs:StopServiceDeployment");
        assertThat(json().path("rollbackRequested").asBoolean()).isFalse();
    }

    @Test
    void requireDigestOptionReachesTheRequest() {
        ecs.withoutImageDigests();
        String pinned = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "d".repeat(64);

        assertThat(run("--service", "web", "--image", pinned, "--no-wait", "--require-digest")).isZero();
        assertThat(err.toString()).contains("Started deployment");
    }

    @Test
    void digestPinnedImageWithoutReportedDigestsCompletesWithAWarning() throws Exception {
        ecs.rollout(FakeEcs.Rollout.SUCCESS, Duration.ofSeconds(1)).withoutImageDigests();
        String pinned = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "e".repeat(64);

        assertThat(run("--service", "web", "--image", pinned, "--min-poll-interval", "1s", "--max-poll-interval",
                "1s")).isZero();

        assertThat(json().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(json().path("warnings").get(0).asText()).startsWith("Container web is pinned to sha256:eeee");
    }

    @Test
    void alarmNamesComeFromTheServiceConfigurationWithoutTheServiceDeploymentApi() throws Exception {
        ecs.rollout(FakeEcs.Rollout.ALARM, Duration.ofSeconds(1)).withoutServiceDeploymentApis()
                .withAlarms("web", "web-5xx", "web-latency");

        assertThat(run("--service", "web", "--min-poll-interval", "1s", "--max-poll-interval", "1s"))
                .isEqualTo(Main.STAGE_SAID_NO);

        assertThat(json().path("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(json().path("triggeredAlarms").toString()).isEqualTo("[\"web-5xx\"]");
    }

    @Test
    void apiCallsCountRetriedRequests() throws Exception {
        ecs.server().failNext("DescribeClusters", 2, io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError
                .throttling("ThrottlingException"));

        assertThat(run("--service", "web", "--no-wait")).isZero();

        assertThat(json().path("apiCalls").asLong()).isEqualTo(ecs.server().requests().size());
    }
}
