package io.jenkins.plugins.awsdelivery.core.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
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

/**
 * A controller that dies during {@code ecsForceDeploy}'s start resumes from the intent it persisted just before
 * UpdateService, and never deploys twice.
 */
class EcsForceDeployResumeTest {

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.0";
    private static final String OTHER_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:3.0";

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

    private EcsForceDeploy stage(EcsDeployRequest request) {
        return new EcsForceDeploy(request, aws, clock, StageLog.to(log::add));
    }

    /** Starts, keeping the intent as the Jenkins step persists it; returns the deployment ECS reported. */
    private EcsDeployment startKeeping(EcsForceDeploy stage, AtomicReference<EcsDeployIntent> saved) {
        return stage.start(intent -> saved.set(roundTrip(intent)));
    }

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

        EcsDeployResult r = resumed.result(new BlockingWaiter(new WaitEngine(request.waitPolicy(), new Random(3)),
                clock, clock::advance).await(resumed.startWait(), resumed::pollOnce, s -> { }));
        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.deploymentId()).isEqualTo(lost.deploymentId());
    }

    @Test
    void aCrashBeforeUpdateServiceSendsTheUpdateOnceOnResume() {
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("web", IMAGE));
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        assertThatThrownBy(() -> stage(request).start(intent -> {
            saved.set(roundTrip(intent));
            throw new IllegalStateException("controller killed");
        })).hasMessage("controller killed");
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
        EcsDeployResult r = resumed.result(new BlockingWaiter(new WaitEngine(request.waitPolicy(), new Random(3)),
                clock, clock::advance).await(resumed.startWait(), resumed::pollOnce, s -> { }));
        assertThat(r.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(ecs.server().count("UpdateService")).isEqualTo(1);
    }

    @Test
    void anotherDeploymentSinceTheCrashStopsTheBuildInsteadOfDeployingOverIt() {
        EcsDeployRequest request = EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", IMAGE));
        AtomicReference<EcsDeployIntent> saved = new AtomicReference<>();
        assertThatThrownBy(() -> stage(request).start(intent -> {
            saved.set(roundTrip(intent));
            throw new IllegalStateException("controller killed");
        }));
        stage(EcsDeployRequest.forceNew("prod", "web").withImages(Map.of("", OTHER_IMAGE))).start();

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
