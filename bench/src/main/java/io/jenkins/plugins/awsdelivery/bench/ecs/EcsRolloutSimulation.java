package io.jenkins.plugins.awsdelivery.bench.ecs;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs;
import io.jenkins.plugins.awsdelivery.testing.FakeEcs.Rollout;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Plays the same scripted rollouts against {@code ecsForceDeploy}'s watcher and against a model of the AWS SDK's
 * services-stable waiter (DescribeServices every 15 s, at most 40 times; "stable" when the service has one deployment
 * and its running count equals its desired count), over a simulated clock, through the real SDK client and the
 * scripted ECS fake on 127.0.0.1. Reports the verdict, how long after the fake's final state change it came, and the
 * ECS API calls.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.ecs.EcsRolloutSimulation}
 */
public final class EcsRolloutSimulation {

    private record Scenario(String name, Rollout rollout, Duration time, String truth) {}

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("5-minute rollout that succeeds", Rollout.SUCCESS, Duration.ofMinutes(5), "COMPLETED"),
            new Scenario("circuit breaker rolls back after 3 minutes", Rollout.CIRCUIT_BREAKER, Duration.ofMinutes(3),
                    "ROLLED_BACK"),
            new Scenario("alarm rolls back after 4 minutes", Rollout.ALARM, Duration.ofMinutes(4), "ROLLED_BACK"),
            new Scenario("rollout that never finishes", Rollout.NEVER_FINISHES, Duration.ofMinutes(5), "never ends"));

    private EcsRolloutSimulation() {}

    public static void main(String[] args) {
        System.setProperty("aws.accessKeyId", "AKIDBENCH");
        System.setProperty("aws.secretAccessKey", "bench-secret");
        System.out.println("| Rollout | Truth | ecsForceDeploy verdict | after final state | ECS calls "
                + "| services-stable waiter | after final state | ECS calls |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Scenario s : SCENARIOS) {
            Run ours = runStage(s);
            Run waiter = runWaiter(s);
            System.out.printf("| %s | %s | %s | %s | %d | %s | %s | %d |%n", s.name(), s.truth(), ours.verdict(),
                    ours.latency(), ours.calls(), waiter.verdict(), waiter.latency(), waiter.calls());
        }
    }

    private record Run(String verdict, String latency, long calls) {}

    private static Run runStage(Scenario s) {
        TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
        try (FakeEcs ecs = new FakeEcs(clock::instant).withService("prod", "web", 4).rollout(s.rollout(), s.time());
             AwsClientFactory aws = new AwsClientFactory(ecs.server().settings("eu-west-1"))) {
            EcsForceDeploy stage = new EcsForceDeploy(EcsDeployRequest.forceNew("prod", "web")
                    .withTimeout(Duration.ofMinutes(20), false), aws, clock, StageLog.silent());
            EcsDeployResult r = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy(), new Random(11)), clock,
                    clock::advance));
            return new Run(r.status().name(), latency(ecs, clock, s), aws.calls().callsTo("Ecs"));
        }
    }

    private static Run runWaiter(Scenario s) {
        TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
        try (FakeEcs ecs = new FakeEcs(clock::instant).withService("prod", "web", 4).rollout(s.rollout(), s.time());
             AwsClientFactory aws = new AwsClientFactory(ecs.server().settings("eu-west-1"))) {
            EcsClient client = aws.client(EcsClient::builder);
            client.updateService(r -> r.cluster("prod").service("web").forceNewDeployment(true));
            // The waiter's first poll is immediate; then 15 s apart, 40 attempts in all.
            for (int attempt = 1; attempt <= 40; attempt++) {
                Service svc = client.describeServices(r -> r.cluster("prod").services("web")).services().get(0);
                if (svc.deployments().size() == 1 && svc.runningCount().equals(svc.desiredCount())) {
                    return new Run("stable (success)", latency(ecs, clock, s), aws.calls().callsTo("Ecs"));
                }
                clock.advance(Duration.ofSeconds(15));
            }
            return new Run("max attempts exceeded, no reason", latency(ecs, clock, s), aws.calls().callsTo("Ecs"));
        }
    }

    private static String latency(FakeEcs ecs, TestClock clock, Scenario s) {
        if (s.rollout() == Rollout.NEVER_FINISHES) {
            return "gave up after " + Duration.between(Instant.parse("2026-11-24T10:00:00Z"), clock.instant())
                    .toMinutes() + " min";
        }
        Duration d = Duration.between(ecs.finalStateAt("web"), clock.instant());
        return d.isNegative() ? "-" + d.negated().toSeconds() + " s" : d.toSeconds() + " s";
    }
}
