package io.jenkins.plugins.awsdelivery.core.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs.Rollout;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EcsForceDeployTest {

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.0";
    private static final String IMAGE_3 = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:3.0";

    private final TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final List<String> log = new ArrayList<>();
    private FakeEcs ecs;
    private AwsClientFactory aws;

    @BeforeEach
    void start() {
        ecs = new FakeEcs(clock::instant).withService("prod", "web", 4);
        aws = new AwsClientFactory(ecs.server().settings("eu-west-1"));
    }

    @AfterEach
    void stop() {
        aws.close();
        ecs.close();
    }

    private EcsDeployResult deploy(EcsDeployRequest request) {
        return stage(request).run(waiter(request));
    }

    private BlockingWaiter waiter(EcsDeployRequest request) {
        return new BlockingWaiter(new WaitEngine(request.waitPolicy(), new Random(3)), clock, clock::advance);
    }

    /** Follows a resumed deployment to its end, as the step does after a restart. */
    private EcsDeployResult followToTheEnd(EcsForceDeploy resumed, EcsDeployRequest request) {
        return resumed.result(waiter(request).await(resumed.startWait(), resumed::pollOnce, s -> { }));
    }

    @Test
    void cleanRolloutCompletesWithTheNewImageDigestWithinOnePollOfTheFinalState() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(5));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE)));

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.reason()).startsWith("Deployment ecs-svc/").contains("completed: 4/4 tasks running");
        assertThat(r.taskDefinitionArn()).endsWith(":task-definition/web:2");
        assertThat(r.imageDigests()).containsOnlyKeys("web");
        assertThat(r.runningCount()).isEqualTo(4);
        assertThat(r.serviceDeploymentArn()).contains(":service-deployment/prod/web/");
        Duration late = Duration.between(ecs.finalStateAt("web"), clock.instant());
        assertThat(late).as("verdict within one poll interval plus 1 s of the final state")
                .isLessThanOrEqualTo(Duration.ofSeconds(16));
        assertThat(r.apiCalls()).as("a 5-minute rollout costs at most 60 ECS calls").isLessThanOrEqualTo(60);
        assertThat(r.events()).anySatisfy(e -> assertThat(e).contains("has reached a steady state"));
    }

    @Test
    void newRevisionCopiesTheTaskDefinitionWithTheImageAndWithoutReadOnlyFields() {
        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("web", IMAGE)));

        var td = ecs.taskDefinition(r.taskDefinitionArn());
        assertThat(td.path("containerDefinitions").get(0).path("image").asText()).isEqualTo(IMAGE);
        assertThat(td.path("networkMode").asText()).isEqualTo("awsvpc");
        var register = ecs.server().requests("RegisterTaskDefinition").get(0).json();
        assertThat(register.has("revision") || register.has("status") || register.has("compatibilities")).isFalse();
        assertThat(register.path("tags").get(0).path("key").asText()).as("tags are kept").isEqualTo("team");
        assertThat(ecs.currentTaskDefinition("web")).isEqualTo(r.taskDefinitionArn());
    }

    @Test
    void circuitBreakerRollbackIsReportedAsRolledBackWithStoppedTasks() {
        ecs.rollout(Rollout.CIRCUIT_BREAKER, Duration.ofMinutes(3));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE)));

        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).contains("circuit breaker");
        assertThat(r.stoppedTasks()).isNotEmpty().allSatisfy(t -> {
            assertThat(t).containsEntry("stoppedReason", "Essential container in task exited");
            assertThat(t.get("containers").toString()).contains("exitCode=1");
        });
        assertThat(log).anySatisfy(l -> assertThat(l).contains("was rolled back"));
        assertThat(log).anySatisfy(l -> assertThat(l).contains("deployment failed: ECS deployment circuit breaker"));
    }

    @Test
    void alarmRollbackNamesTheAlarm() {
        ecs.rollout(Rollout.ALARM, Duration.ofMinutes(4));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web"));

        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(r.triggeredAlarms()).containsExactly("web-5xx");
        assertThat(r.reason()).contains("CloudWatch alarm(s): web-5xx");
    }

    @Test
    void rollbackWithoutServiceDeploymentApisIsStillNeverSuccess() {
        ecs.rollout(Rollout.CIRCUIT_BREAKER, Duration.ofMinutes(3)).withoutServiceDeploymentApis();

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web"));

        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(r.serviceDeploymentArn()).isNull();
        assertThat(r.reason()).isEqualTo("ECS deployment circuit breaker: tasks failed to start.");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING: ecs:ListServiceDeployments is not available"));
    }

    @Test
    void rolloutThatNeverFinishesTimesOutAndRollsBackWhenAsked() {
        ecs.rollout(Rollout.NEVER_FINISHES, Duration.ofMinutes(5));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web")
                .withTimeout(Duration.ofMinutes(10), true));

        assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(r.rollbackRequested()).isTrue();
        assertThat(r.reason()).isEqualTo("Deployment " + r.deploymentId() + " did not finish within 10m. Stopped it "
                + "with a rollback to the previous service revision.");
        assertThat(ecs.server().requests("StopServiceDeployment").get(0).json().path("stopType").asText())
                .isEqualTo("ROLLBACK");
        assertThat(r.runningCount()).isEqualTo(3);
    }

    @Test
    void timeoutWithoutRollbackLeavesTheDeploymentAlone() {
        ecs.rollout(Rollout.NEVER_FINISHES, Duration.ofMinutes(5));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ofMinutes(2), false));

        assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(ecs.server().requests("StopServiceDeployment")).isEmpty();
    }

    @Test
    void serviceNotFoundChangesNothing() {
        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "api")))
                .isInstanceOf(StageException.class)
                .hasMessage("ECS service 'api' not found in cluster 'prod' (eu-west-1).")
                .satisfies(e -> assertThat(((StageException) e).hint()).isEqualTo("Check the service name and region."));
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void clusterNotFoundChangesNothing() {
        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("staging", "web")))
                .hasMessage("ECS cluster 'staging' not found in eu-west-1.");
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void inactiveServiceIsRefused() {
        ecs.serviceStatus("web", "INACTIVE");

        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web")))
                .hasMessage("ECS service 'web' is INACTIVE, not ACTIVE.");
    }

    @Test
    void codeDeployControllerSaysWhatToUseInstead() {
        ecs.controller("web", "CODE_DEPLOY");

        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web")))
                .hasMessageContaining("CODE_DEPLOY deployment controller")
                .satisfies(e -> assertThat(((StageException) e).hint()).contains("AWS CodeDeploy"));
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void unknownContainerNamesTheContainersThatExist() {
        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("api", IMAGE))))
                .hasMessage("Container 'api' is not in task definition web:1.")
                .satisfies(e -> assertThat(((StageException) e).hint()).isEqualTo("Use one of its containers: [web]."));
        assertThat(ecs.server().requests("RegisterTaskDefinition")).isEmpty();
    }

    @Test
    void accessDeniedNamesTheAction() {
        ecs.server().failNext("UpdateService", 1, FakeError.accessDenied("ecs:UpdateService"));

        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web")))
                .hasMessageStartingWith("AWS denied ecs:UpdateService");
    }

    @Test
    void throttledPollsSlowDownAndTheDeploymentStillCompletes() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(2));
        EcsForceDeploy stage = new EcsForceDeploy(EcsDeployRequest.forceNew("prod", "web"), aws, clock,
                StageLog.to(log::add));
        stage.start();
        ecs.server().failNext("DescribeServices", 6, FakeError.throttling("ThrottlingException"));

        var outcome = stage.result(new BlockingWaiter(new WaitEngine(stage.waitPolicy(), new Random(3)), clock,
                clock::advance).await(stage.startWait(), stage::pollOnce, s -> { }));

        assertThat(outcome.status()).isEqualTo(Status.COMPLETED);
    }

    @Test
    void notWaitingReturnsOnceTheDeploymentStarted() {
        EcsDeployRequest r = EcsDeployRequest.forceNew("prod", "web");
        EcsDeployRequest noWait = new EcsDeployRequest(r.cluster(), r.service(), r.images(), null, true, 6, false,
                null, false, null, null);

        EcsDeployResult result = deploy(noWait);

        assertThat(result.status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(result.desiredCount()).isEqualTo(6);
        assertThat(ecs.server().count("DescribeServices")).isEqualTo(1);
    }

    @Test
    void invalidParametersAreClearErrors() {
        assertThatThrownBy(() -> EcsDeployRequest.forceNew("prod", " ")).hasMessage("No ECS service was given.");
        assertThatThrownBy(() -> EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("web", "my image")))
                .hasMessageContaining("is not an image URI");
        assertThatThrownBy(() -> EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("web", IMAGE))
                .withTaskDefinition("web:3")).hasMessage("Both image and taskDefinition were given.");
    }

    // ---- issue 15: verdicts that survive side failures ----

    @Test
    void refusedRollbackKeepsTheTimeoutVerdictAndSaysWhy() {
        ecs.rollout(Rollout.NEVER_FINISHES, Duration.ofMinutes(5));
        ecs.server().failNext("StopServiceDeployment", 1, FakeError.accessDenied("ecs:StopServiceDeployment"));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ofMinutes(10), true));

        assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(r.rollbackRequested()).isFalse();
        assertThat(r.reason()).startsWith("Deployment " + r.deploymentId() + " did not finish within 10m. The rollback "
                + "was refused: AWS denied ecs:StopServiceDeployment (AccessDeniedException)")
                .contains("Allow ecs:StopServiceDeployment in the IAM policy").endsWith("Roll back by hand in the ECS "
                        + "console.");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("The rollback was refused: AWS denied "
                + "ecs:StopServiceDeployment"));
    }

    @Test
    void zeroOrNegativeTimeoutIsInvalidAndDeploysNothing() {
        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ZERO, false)))
                .isInstanceOf(StageException.class).hasMessage("timeout 0s is not positive.");
        assertThatThrownBy(() -> EcsDeployRequest.forceNew("prod", "web").withTimeout(Duration.ofSeconds(-1), false))
                .hasMessage("timeout -1s is not positive.");
        assertThat(ecs.server().requests()).isEmpty();
    }

    @Test
    void missingTaskDefinitionIsInvalidInputLikeAMissingService() {
        assertThatThrownBy(() -> deploy(EcsDeployRequest.forceNew("prod", "web").withTaskDefinition("web:9")))
                .isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).kind()).isEqualTo(StageException.Kind.INVALID_INPUT))
                .hasMessage("ECS task definition 'web:9' (taskDefinition) not found in eu-west-1.");
        assertThat(ecs.server().requests("UpdateService")).isEmpty();
    }

    @Test
    void digestPinnedImageWhoseTasksReportNoDigestIsAWarning() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(1)).withoutImageDigests();
        String pinned = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "a".repeat(64);

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", pinned)));

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.imageDigests()).isEmpty();
        assertThat(r.warnings()).singleElement().asString().startsWith("Container web is pinned to sha256:aaaa")
                .contains("no running task reports its image digest");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING: Container web is pinned"));
    }

    @Test
    void requireDigestMakesAMissingDigestAFailure() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(1)).withoutImageDigests();
        String pinned = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "b".repeat(64);

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", pinned))
                .withRequireDigest(true));

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.reason()).contains("container web is pinned to sha256:bbbb").contains("requireDigest is set");
    }

    @Test
    void digestPinnedImageWhoseTasksReportItCompletesWithoutWarning() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(1));
        String pinned = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "c".repeat(64);

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", pinned))
                .withRequireDigest(true));

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.imageDigests()).containsEntry("web", "sha256:" + "c".repeat(64));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void alarmNamesComeFromTheServiceConfigurationWithoutTheServiceDeploymentApi() {
        ecs.rollout(Rollout.ALARM, Duration.ofMinutes(4)).withoutServiceDeploymentApis()
                .withAlarms("web", "web-5xx", "web-latency");

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web"));

        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(r.triggeredAlarms()).containsExactly("web-5xx");
    }

    @Test
    void failingEnrichmentCallsAreWarningsAndTheRollbackStillReported() {
        ecs.rollout(Rollout.CIRCUIT_BREAKER, Duration.ofMinutes(3));
        ecs.server().failNext("DescribeServiceDeployments", 1,
                FakeError.accessDenied("ecs:DescribeServiceDeployments"));
        ecs.server().failNext("ListTasks", 1, FakeError.accessDenied("ecs:ListTasks"));

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web"));

        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(r.stoppedTasks()).isEmpty();
        assertThat(r.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).startsWith("Could not read the service deployment arn:aws:ecs:")
                        .contains("AWS denied ecs:DescribeServiceDeployments"))
                .anySatisfy(w -> assertThat(w).startsWith("Could not read the stopped tasks' reasons: AWS denied "
                        + "ecs:ListTasks"));
    }

    @Test
    void apiCallsCountEveryHttpRequestIncludingRetries() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(2));
        ecs.server().failNext("DescribeServices", 2, FakeError.throttling("ThrottlingException"));
        ecs.server().failNext("UpdateService", 1, FakeError.internal());

        EcsDeployResult r = deploy(EcsDeployRequest.forceNew("prod", "web"));

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.apiCalls()).isEqualTo(ecs.server().requests().size());
        assertThat(r.apiCallsByOperation()).containsEntry("UpdateService", 2L)
                .containsEntry("DescribeServices", ecs.server().count("DescribeServices"));
    }

    private EcsForceDeploy stage(EcsDeployRequest request) {
        return new EcsForceDeploy(request, aws, clock, StageLog.to(log::add));
    }

    /** Starts, keeping the intent as the Jenkins step persists it; returns the deployment ECS reported. */
    private EcsDeployment startKeeping(EcsForceDeploy stage, AtomicReference<EcsDeployIntent> saved) {
        return stage.start(intent -> saved.set(roundTrip(intent)));
    }

    /** A start whose controller dies after saving its intent, before UpdateService. */
    private AtomicReference<EcsDeployIntent> killedJustBeforeUpdateService(EcsDeployRequest request) {
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        assertThatThrownBy(() -> stage(request).start(intent -> {
            saved.set(roundTrip(intent));
            throw new IllegalStateException("controller killed");
        })).hasMessage("controller killed");
        return saved;
    }

    // ---- resuming after a controller crash: never a second deployment

    @Test
    void aCrashRightAfterUpdateServiceFollowsTheSameDeploymentWithoutASecondUpdate() {
        ecs.rollout(Rollout.SUCCESS, Duration.ofMinutes(2));
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE));
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        EcsDeployment lost = startKeeping(stage(request), saved);
        clock.advance(Duration.ofSeconds(40));

        // The controller died before it kept the deployment: only the intent was saved.
        EcsForceDeploy resumed = stage(request);
        EcsDeployment found = resumed.resume(saved.get());

        assertThat(found.deploymentId()).isEqualTo(lost.deploymentId());
        assertThat(found.taskDefinitionArn()).endsWith(":task-definition/web:2");
        assertThat(found.serviceDeploymentArn()).isEqualTo(lost.serviceDeploymentArn());
        assertThat(ecs.server().count("UpdateService")).isEqualTo(1);
        assertThat(ecs.server().count("RegisterTaskDefinition")).as("no second revision either").isEqualTo(1);
        assertThat(log).anySatisfy(l -> assertThat(l).contains("Found deployment " + lost.deploymentId())
                .contains("instead of deploying again"));

        EcsDeployResult r = followToTheEnd(resumed, request);
        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.deploymentId()).isEqualTo(lost.deploymentId());
    }

    @Test
    void aCrashBeforeUpdateServiceSendsTheUpdateOnceOnResume() {
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("web", IMAGE));
        AtomicReference<EcsDeployIntent> saved = killedJustBeforeUpdateService(request);
        assertThat(ecs.server().count("UpdateService")).isZero();

        EcsDeployment d = stage(request).resume(saved.get());

        assertThat(ecs.server().count("UpdateService")).isEqualTo(1);
        assertThat(ecs.server().requests("UpdateService").get(0).json().path("taskDefinition").asText())
                .as("the revision registered before the crash").isEqualTo(saved.get().taskDefinitionArn());
        assertThat(d.taskDefinitionArn()).isEqualTo(saved.get().taskDefinitionArn());
        assertThat(log).anySatisfy(l -> assertThat(l).contains("had not reached ECS"));
    }

    @Test
    void aDeploymentThatWasRolledBackIsStillRecognisedAsThisBuilds() {
        ecs.rollout(Rollout.CIRCUIT_BREAKER, Duration.ofMinutes(2));
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE));
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        EcsDeployment lost = startKeeping(stage(request), saved);
        clock.advance(Duration.ofMinutes(3));

        EcsForceDeploy resumed = stage(request);
        EcsDeployment found = resumed.resume(saved.get());

        assertThat(found.deploymentId()).as("ours, not the rollback deployment ECS created")
                .isEqualTo(lost.deploymentId());
        EcsDeployResult r = followToTheEnd(resumed, request);
        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(ecs.server().count("UpdateService")).isEqualTo(1);
    }

    @Test
    void anotherDeploymentSinceTheCrashStopsTheBuildInsteadOfDeployingOverIt() {
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE));
        AtomicReference<EcsDeployIntent> saved = killedJustBeforeUpdateService(request);
        stage(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE_3))).start();

        assertThatThrownBy(() -> stage(request).resume(saved.get()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("has deployments this build did not start")
                .hasMessageContaining("cannot tell whether its own update reached ECS");
        assertThat(ecs.server().count("UpdateService")).as("only the other deployment").isEqualTo(1);
    }

    @Test
    void theIntentIsSmallAndSerializable() {
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        startKeeping(stage(EcsDeployRequest.forceNew("prod", "web")), saved);

        assertThat(saved.get().deploymentsBefore()).containsExactly("ecs-svc/0000000000000000001")
                .isInstanceOf(ArrayList.class);
        assertThat(saved.get().previousTaskDefinitionArn()).isEqualTo(saved.get().taskDefinitionArn());
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
