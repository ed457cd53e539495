package io.jenkins.plugins.awsdelivery.bench.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGate;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub.FakeApp;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.services.resiliencehub.ResiliencehubClient;

/**
 * Resilience Hub API calls per assessment: {@code resilienceHubGate} against the Step Functions state machine of the
 * documented pipeline (a Wait state, then one Describe call, in a loop; modelled with 30 s and with 60 s waits), for
 * the same scripted import and assessment durations, over a simulated clock, through the real SDK client and the
 * scripted Resilience Hub on 127.0.0.1. Also reports how long after the assessment's end each noticed it.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar
 * io.jenkins.plugins.awsdelivery.bench.resiliencehub.ResilienceHubCallsSimulation}
 */
public final class ResilienceHubCallsSimulation {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-test/0a1b2c3d-1111-2222-3333-444455556666";
    private static final String NAME = "jenkins-shop-42";

    private record Scenario(String name, Duration importTime, Duration pending, Duration inProgress) {}

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("import 70 s, assessment 5 min 20 s", Duration.ofSeconds(70), Duration.ofSeconds(50),
                    Duration.ofSeconds(270)),
            new Scenario("import 2 min 10 s, assessment 14 min 40 s", Duration.ofSeconds(130), Duration.ofSeconds(100),
                    Duration.ofSeconds(780)),
            new Scenario("import 3 min 20 s, assessment 31 min 10 s", Duration.ofSeconds(200),
                    Duration.ofSeconds(290), Duration.ofSeconds(1580)));

    private record Run(long calls, long polls, Duration late) {}

    private ResilienceHubCallsSimulation() {}

    public static void main(String[] args) {
        System.setProperty("aws.accessKeyId", "AKIDBENCH");
        System.setProperty("aws.secretAccessKey", "bench-secret");
        System.out.println("| Scenario | resilienceHubGate calls (of them polls) | noticed after end "
                + "| state machine, 30 s waits: calls | noticed after end "
                + "| state machine, 60 s waits: calls | noticed after end |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (Scenario s : SCENARIOS) {
            Run gate = gate(s);
            Run every30 = stateMachine(s, Duration.ofSeconds(30));
            Run every60 = stateMachine(s, Duration.ofSeconds(60));
            System.out.printf("| %s | %d (%d) | %d s | %d | %d s | %d | %d s |%n", s.name(), gate.calls(),
                    gate.polls(), gate.late().toSeconds(), every30.calls(), every30.late().toSeconds(),
                    every60.calls(), every60.late().toSeconds());
        }
    }

    private static FakeApp script(FakeResilienceHub hub, Scenario s) {
        FakeApp app = hub.app("shop").policy(3600, 900).published(START.minus(Duration.ofDays(3))).resourcesChanged()
                .importTakes(s.importTime());
        app.nextAssessment().takes(s.pending(), s.inProgress()).disruption("AZ", "PolicyMet", 1200, 300);
        return app;
    }

    private static Run gate(Scenario s) {
        TestClock clock = new TestClock(START);
        try (FakeResilienceHub hub = new FakeResilienceHub(clock, "eu-west-1");
             AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
            FakeApp app = script(hub, s);
            ResilienceHubGate gate = new ResilienceHubGate(ResilienceHubGateRequest.builder(app.arn(), NAME)
                    .stackArns(List.of(STACK)).build(), aws, clock, StageLog.silent());
            ResilienceHubGateResult r = gate.run(new BlockingWaiter(new WaitEngine(gate.waitPolicy(),
                    new Random(7)), clock, clock::advance));
            if (!r.passed()) {
                throw new IllegalStateException(r.message());
            }
            long polls = hub.server().count("DescribeDraftAppVersionResourcesImportStatus")
                    + hub.server().count("DescribeAppAssessment");
            return new Run(aws.calls().totalCalls(), polls, late(app, s, clock));
        }
    }

    private static Run stateMachine(Scenario s, Duration wait) {
        TestClock clock = new TestClock(START);
        try (FakeResilienceHub hub = new FakeResilienceHub(clock, "eu-west-1");
             AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
            FakeApp app = script(hub, s);
            ResiliencehubClient client = aws.client(ResiliencehubClient::builder);
            client.importResourcesToDraftAppVersion(r -> r.appArn(app.arn()).sourceArns(STACK));
            String status;
            do {
                clock.advance(wait);
                status = client.describeDraftAppVersionResourcesImportStatus(r -> r.appArn(app.arn()))
                        .statusAsString();
            } while (!"Success".equals(status));
            client.publishAppVersion(r -> r.appArn(app.arn()));
            String arn = client.startAppAssessment(r -> r.appArn(app.arn()).appVersion("release")
                    .assessmentName(NAME)).assessment().assessmentArn();
            do {
                clock.advance(wait);
                status = client.describeAppAssessment(r -> r.assessmentArn(arn)).assessment()
                        .assessmentStatusAsString();
            } while (!"Success".equals(status));
            return new Run(aws.calls().totalCalls(), 0, late(app, s, clock));
        }
    }

    private static Duration late(FakeApp app, Scenario s, TestClock clock) {
        Instant end = app.startOf(NAME).plus(s.pending()).plus(s.inProgress());
        return Duration.between(end, clock.instant());
    }
}
