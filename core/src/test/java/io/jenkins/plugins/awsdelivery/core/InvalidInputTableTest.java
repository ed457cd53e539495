package io.jenkins.plugins.awsdelivery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.aws.ApiCallCounter;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.health.HealthEndpoints;
import io.jenkins.plugins.awsdelivery.core.health.HealthGate;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceTypeWeight;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.SeverityGate;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyRunner;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScan;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanRequest;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import io.jenkins.plugins.awsdelivery.testing.FakeHealth;
import io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.health.HealthClient;

/**
 * Gates fail closed: for every stage, an invalid input is an INVALID_INPUT error naming the input and its value, and
 * never a verdict. Each row runs the stage as far as it gets (against its fake where it calls AWS) and checks that
 * nothing was changed: no Health call for the gate, no UpdateService or RegisterTaskDefinition for ECS, no Security
 * Hub call for Trivy. The pxSnapshot and spot rows check their request validation only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidInputTableTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    static Path dir;

    private final TestClock clock = new TestClock(NOW);
    private final List<String> log = new ArrayList<>();
    private FakeHealth health;
    private FakeEcs ecs;
    private FakeSecurityHub hub;
    private Path report;

    @BeforeAll
    void start() {
        health = new FakeHealth();
        health.event("EC2", "AWS_EC2_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
        ecs = new FakeEcs(clock::instant).withService("prod", "web", 2);
        hub = new FakeSecurityHub(clock::instant);
        report = TrivyReports.image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:7")
                .vulnerabilities("debian 12", 3).writeTo(dir.resolve("report.json"));
    }

    @AfterAll
    void stop() {
        health.close();
        ecs.close();
        hub.close();
    }

    /** One row: the stage, the input, its bad value, what the message says, and the stage run with it. */
    record Row(String stage, String input, String value, String message, Runnable run) {
        @Override
        public String toString() {
            return stage + " " + input + " = '" + value + "'";
        }
    }

    Stream<Arguments> rows() {
        return Stream.of(
                health("regions", "mars-1", "regions 'mars-1' is not an AWS region.", b -> b.regions(List.of("mars-1"))),
                health("regions", "eu-wset-1", "regions 'eu-wset-1' is not an AWS region.",
                        b -> b.regions(List.of("eu-wset-1"))),
                health("regions", "cn-north-1", "regions 'cn-north-1' is in partition aws-cn",
                        b -> b.regions(List.of("cn-north-1"))),
                health("entityArns", "not-an-arn", "entityArns 'not-an-arn' is not an ARN.",
                        b -> b.entityArns(List.of("not-an-arn"))),
                health("entityArns", "arn:aws:ecs", "entityArns 'arn:aws:ecs' is not an ARN.",
                        b -> b.entityArns(List.of("arn:aws:ecs"))),
                health("services", "ec2!", "services 'ec2!' is not an AWS Health service code.",
                        b -> b.services(List.of("ec2!"))),
                health("onlyEventTypes", "AWS EC2", "onlyEventTypes 'AWS EC2' is not an AWS Health event type code.",
                        b -> b.onlyEventTypes(List.of("AWS EC2"))),
                health("ignoreEventTypes", "*", "ignoreEventTypes '*' ignores every event",
                        b -> b.ignoreEventTypes(List.of("*"))),
                health("statuses", "opened", "statuses 'opened' is not an AWS Health event status.",
                        b -> b.statuses(List.of("opened"))),
                health("eventTypeCategories", "issues", "eventTypeCategories 'issues' is not an AWS Health event category.",
                        b -> b.eventTypeCategories(List.of("issues"))),
                health("accountIds", "1234", "accountIds '1234' is not an AWS account ID.",
                        b -> b.organization(true).accountIds(List.of("1234"))),
                health("timeout", "0s", "timeout 0s is not positive.", b -> b.timeout(Duration.ZERO)),
                health("pollInterval", "1s", "pollInterval 1s is too short.",
                        b -> b.pollInterval(Duration.ofSeconds(1))),
                health("upcomingWithin", "-1h", "upcomingWithin -3600s is not positive.",
                        b -> b.upcomingWithin(Duration.ofHours(-1))),

                ecs("cluster", " ", "No ECS cluster was given.", () -> EcsDeployRequest.forceNew(" ", "web")),
                ecs("cluster", "staging", "ECS cluster 'staging' not found in eu-west-1.",
                        () -> EcsDeployRequest.forceNew("staging", "web")),
                ecs("service", "api", "ECS service 'api' not found in cluster 'prod' (eu-west-1).",
                        () -> EcsDeployRequest.forceNew("prod", "api")),
                ecs("image", "my image", "Image 'my image' for the task definition's only container is not an image "
                        + "URI.", () -> EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", "my image"))),
                ecs("image", "api=repo/api:1", "Container 'api' is not in task definition web:1.",
                        () -> EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("api", "repo/api:1"))),
                ecs("taskDefinition", "web:9", "ECS task definition 'web:9' (taskDefinition) not found in eu-west-1.",
                        () -> EcsDeployRequest.forceNew("prod", "web").withTaskDefinition("web:9")),
                ecs("timeout", "0s", "timeout 0s is not positive.",
                        () -> EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ZERO, true)),
                ecs("timeout", "-5s", "timeout -5s is not positive.",
                        () -> EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ofSeconds(-5), false)),
                ecs("desiredCount", "-1", "desiredCount -1 is negative.",
                        () -> EcsDeployRequest.forceNew("prod", "web").withDesiredCount(-1)),

                trivy("failOn", "SEVERE", "'SEVERE' in failOn is not a Trivy severity.",
                        () -> TrivyScanRequest.ofReport(report).withGate(new SeverityGate(Set.of("SEVERE"), false,
                                null, false))),
                trivy("importSeverities", "urgent", "'urgent' in importSeverities is not a Trivy severity.",
                        () -> TrivyScanRequest.ofReport(report).withImportSeverities(Set.of("urgent"))),
                trivy("accountId", "12345", "'12345' is not an AWS account ID.",
                        () -> new TrivyScanRequest(report, null, null, "12345", AsffMapper.Product.DEFAULT, null, null,
                                true, false, null)),
                trivy("dryRun", "true", "dryRun was asked without asffFile.",
                        () -> new TrivyScanRequest(report, null, null, null, null, null, null, true, true, null)),
                trivy("reportFile", "", "Neither reportFile nor image was given.",
                        () -> new TrivyScanRequest(null, " ", null, null, null, null, null, true, false, null)),

                px("namespace", "Prod_NS", "namespace 'Prod_NS' is not a valid Kubernetes namespace name.",
                        () -> PxSnapshotRequest.builder("Prod_NS", "job", 1).pvc("data").build()),
                px("pvc", "Data!", "pvc 'Data!' is not a valid Kubernetes object name.",
                        () -> PxSnapshotRequest.builder("prod", "job", 1).pvc("Data!").build()),
                px("retain", "-1", "retain -1 is negative.",
                        () -> PxSnapshotRequest.builder("prod", "job", 1).pvc("data").retain(-1, false).build()),
                px("timeout", "0s", "timeout", () -> PxSnapshotRequest.builder("prod", "job", 1).pvc("data")
                        .timeout(Duration.ZERO).build()),

                spot("subnetIds", "subnet-xyz", "'subnet-xyz' is not a subnet ID.",
                        () -> spotConfig().subnetIds(List.of("subnet-xyz")).build()),
                spot("instanceTypes", "large", "'large' is not an EC2 instance type",
                        () -> spotConfig().instanceTypes(List.of(InstanceTypeWeight.parse("large"))).build()),
                spot("maxSpotPrice", "0", "not positive", () -> spotConfig().maxSpotPrice(BigDecimal.ZERO).build()),
                spot("launchTemplateId", "lt-x", "'lt-x' is not a launch template ID.",
                        () -> spotConfig().launchTemplateId("lt-x").build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void invalidInputIsAnErrorNamingItAndNeverAVerdict(Row row) {
        health.server().clearRequests();
        ecs.server().clearRequests();
        hub.server().clearRequests();

        assertThatThrownBy(row.run()::run).as(row.toString()).isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).kind()).isEqualTo(StageException.Kind.INVALID_INPUT))
                .satisfies(e -> assertThat(((StageException) e).describe()).contains(row.message()));
        assertThat(health.server().requests()).as("no AWS Health call").isEmpty();
        assertThat(ecs.server().requests("UpdateService")).as("no deployment").isEmpty();
        assertThat(ecs.server().requests("RegisterTaskDefinition")).as("no task definition").isEmpty();
        assertThat(hub.server().requests()).as("no Security Hub call").isEmpty();
    }

    private Arguments health(String input, String value, String message, Consumer<HealthGateRequest.Builder> bad) {
        return Arguments.of(new Row("awsHealthGate", input, value, message, () -> {
            HealthGateRequest.Builder b = HealthGateRequest.builder().services(List.of("EC2"));
            bad.accept(b);
            try (AwsClientFactory aws = new AwsClientFactory(health.server().settings("eu-west-1"))) {
                ApiCallCounter counter = aws.calls();
                HealthEndpoints endpoints = new HealthEndpoints(List.of(new HealthEndpoints.Endpoint("us-east-1",
                        health.server().endpoint().toString(), aws.client(HealthClient::builder, "us-east-1"))),
                        aws.settings());
                HealthGate gate = new HealthGate(b.build(), "eu-west-1", endpoints, counter, clock,
                        StageLog.to(log::add));
                gate.runBlocking(new BlockingWaiter(new WaitEngine(gate.waitPolicy(), new Random(1)), clock,
                        clock::advance));
            }
        }));
    }

    private Arguments ecs(String input, String value, String message,
                          java.util.function.Supplier<EcsDeployRequest> request) {
        return Arguments.of(new Row("ecsForceDeploy", input, value, message, () -> {
            try (AwsClientFactory aws = new AwsClientFactory(ecs.server().settings("eu-west-1"))) {
                EcsForceDeploy stage = new EcsForceDeploy(request.get(), aws, clock, StageLog.to(log::add));
                stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy(), new Random(1)), clock,
                        clock::advance));
            }
        }));
    }

    private Arguments trivy(String input, String value, String message,
                            java.util.function.Supplier<TrivyScanRequest> request) {
        return Arguments.of(new Row("trivyScanToSecurityHub", input, value, message, () -> {
            try (AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
                new TrivyScan(request.get(), aws, TrivyRunner.fromEnvironment(dir), clock, clock::advance,
                        StageLog.to(log::add)).run();
            }
        }));
    }

    private static Arguments px(String input, String value, String message, Runnable request) {
        return Arguments.of(new Row("pxSnapshot", input, value, message, request));
    }

    private static Arguments spot(String input, String value, String message, Runnable config) {
        return Arguments.of(new Row("awsSpot", input, value, message, config));
    }

    private static SpotFleetConfig.Builder spotConfig() {
        return SpotFleetConfig.builder("linux-spot", "jenkins-test")
                .launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large", "m6i.large")
                .subnetIds(List.of("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"))
                .capacity(0, 10, 0)
                .executorsPerAgent(2)
                .labels(Set.of("linux"))
                .idleTimeout(Duration.ofMinutes(10));
    }
}
