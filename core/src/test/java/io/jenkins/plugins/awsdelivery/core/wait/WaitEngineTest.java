package io.jenkins.plugins.awsdelivery.core.wait;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WaitEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final WaitPolicy POLICY = new WaitPolicy(Duration.ofSeconds(5), Duration.ofSeconds(30), 2.0, 0.2,
            Duration.ofSeconds(120));

    private final WaitEngine engine = new WaitEngine(POLICY, new Random(7));

    /** Polls that always keep waiting, from T0, returning the delays chosen. */
    private List<Duration> delaysWhileNothingChanges(int polls, boolean throttled) {
        WaitState state = WaitState.start("deployment", T0, Duration.ofHours(2));
        Instant now = T0;
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < polls; i++) {
            PollOutcome<String> outcome = new PollOutcome.KeepWaiting<>("IN_PROGRESS", false, throttled);
            var d = (WaitDecision.PollAgain<String>) engine.decide(state, outcome, now);
            delays.add(d.delay());
            state = d.state();
            now = now.plus(d.delay());
        }
        return delays;
    }

    @Test
    void delaysStayWithinInitialMinusJitterAndTheMaximum() {
        List<Duration> delays = delaysWhileNothingChanges(200, false);

        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(30)));
        assertThat(delays.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(delays.subList(10, 200)).as("settles near the maximum")
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(24)));
    }

    @Test
    void delaysGrowExponentiallyWhileNothingChanges() {
        List<Duration> delays = delaysWhileNothingChanges(4, false);

        // 5, 10, 20, 30 seconds, each less up to 20% jitter
        assertThat(delays.get(1)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(delays.get(2)).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(20));
        assertThat(delays.get(3)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
    }

    @Test
    void jitterSpreadsPollsOfConcurrentWaits() {
        List<Duration> delays = delaysWhileNothingChanges(50, false).subList(10, 50);

        assertThat(delays.stream().distinct().count()).isGreaterThan(20);
    }

    @Test
    void progressResetsToTheInitialInterval() {
        WaitState state = WaitState.start("deployment", T0, Duration.ofHours(1));
        for (int i = 0; i < 6; i++) {
            state = engine.decide(state, PollOutcome.<String>waiting("x"), T0).state();
        }
        var afterProgress = (WaitDecision.PollAgain<String>) engine.decide(state,
                PollOutcome.<String>progressed("2 of 4 tasks running"), T0);

        assertThat(afterProgress.delay()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(afterProgress.state().lastStatus()).isEqualTo("2 of 4 tasks running");
    }

    @Test
    void throttlingSlowsPollingBeyondTheNormalMaximumButWithinItsOwnBound() {
        List<Duration> delays = delaysWhileNothingChanges(12, true);

        assertThat(delays.get(0)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(delays.subList(4, 12)).allSatisfy(d ->
                assertThat(d).isGreaterThan(Duration.ofSeconds(30)).isLessThanOrEqualTo(Duration.ofSeconds(120)));
    }

    @Test
    void lastPollHappensAtTheDeadlineThenTheWaitTimesOut() {
        WaitState state = WaitState.start("snapshot", T0, Duration.ofSeconds(42));
        Instant now = T0;
        Duration lastDelay = null;
        WaitDecision<String> decision;
        int polls = 0;
        while (true) {
            decision = engine.decide(state, PollOutcome.waiting("pending"), now);
            polls++;
            if (!(decision instanceof WaitDecision.PollAgain<String> again)) {
                break;
            }
            lastDelay = again.delay();
            now = now.plus(again.delay());
            state = again.state();
            assertThat(now).isBeforeOrEqualTo(T0.plusSeconds(42));
        }

        assertThat(decision).isInstanceOf(WaitDecision.TimedOut.class);
        assertThat(now).as("the final poll ran exactly at the deadline").isEqualTo(T0.plusSeconds(42));
        assertThat(decision.state().polls()).isEqualTo(polls);
        assertThat(lastDelay).isPositive();
    }

    @Test
    void doneAndFailedEndTheWaitAtOnce() {
        WaitState state = WaitState.start("x", T0, Duration.ofMinutes(1));

        assertThat(engine.decide(state, PollOutcome.done("ok"), T0)).isInstanceOfSatisfying(
                WaitDecision.Finished.class, f -> assertThat(f.outcome()).isEqualTo(PollOutcome.done("ok")));
        assertThat(engine.decide(state, PollOutcome.failed("circuit breaker", "v"), T0.plusSeconds(99)))
                .as("a failure after the deadline is still reported as the failure").isInstanceOf(
                        WaitDecision.Finished.class);
    }

    @Test
    void aSerializedStateResumesTheSameWait() throws Exception {
        WaitState state = WaitState.start("ECS deployment ecs-svc/1", T0, Duration.ofMinutes(20));
        Instant now = T0;
        for (int i = 0; i < 5; i++) {
            var d = (WaitDecision.PollAgain<String>) engine.decide(state, PollOutcome.<String>waiting("IN_PROGRESS"), now);
            state = d.state();
            now = now.plus(d.delay());
        }

        WaitState restored = roundTrip(state);
        assertThat(restored).isEqualTo(state);
        // A fresh engine (as after a controller restart) continues the backoff where it stood and keeps the deadline.
        WaitEngine afterRestart = new WaitEngine(POLICY, new Random(7));
        var next = (WaitDecision.PollAgain<String>) afterRestart.decide(restored, PollOutcome.<String>waiting("IN_PROGRESS"),
                now);
        assertThat(next.delay()).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
        assertThat(next.state().deadline()).isEqualTo(T0.plus(Duration.ofMinutes(20)));
        assertThat(next.state().polls()).isEqualTo(6);
        var timedOut = afterRestart.decide(restored, PollOutcome.waiting("IN_PROGRESS"), T0.plus(Duration.ofHours(1)));
        assertThat(timedOut).isInstanceOf(WaitDecision.TimedOut.class);
    }

    @Test
    void blockingWaiterDrivesTheSameEngineWithASleeper() {
        Instant[] now = {T0};
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        BlockingWaiter waiter = new BlockingWaiter(engine, clock, d -> now[0] = now[0].plus(d));
        int[] polls = {0};

        WaitDecision<String> result = waiter.await(WaitState.start("x", T0, Duration.ofMinutes(10)),
                () -> ++polls[0] < 4 ? PollOutcome.waiting("not yet") : PollOutcome.done("ready"), s -> { });

        assertThat(result).isInstanceOfSatisfying(WaitDecision.Finished.class,
                f -> assertThat(f.outcome()).isEqualTo(PollOutcome.done("ready")));
        assertThat(polls[0]).isEqualTo(4);
        assertThat(now[0]).isAfter(T0);
    }

    private static WaitState roundTrip(WaitState state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (WaitState) in.readObject();
        }
    }
}
