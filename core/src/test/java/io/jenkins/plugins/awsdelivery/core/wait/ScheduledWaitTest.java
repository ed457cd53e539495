package io.jenkins.plugins.awsdelivery.core.wait;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class ScheduledWaitTest {

    private static final String WORKER = "aws-delivery-stages-worker";
    private static final String TIMER = "fake-jenkins.util.Timer";
    private static final WaitPolicy FAST = new WaitPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 1.0, 0.0,
            null);

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, named(TIMER));
    private WorkerPool pool = new WorkerPool(timer, WORKER, 4, 100);

    @AfterEach
    void shutDown() {
        pool.close();
        timer.shutdownNow();
    }

    /** A stage whose every call to its service takes {@code callTime}, recording where each call ran. */
    private static class SlowStage implements ScheduledWait.Work<String> {
        final Queue<String> callThreads;
        final Duration callTime;
        final int pollsUntilDone;
        final AtomicInteger polls = new AtomicInteger();
        final AtomicReference<String> result = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicInteger cleanUps = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        volatile WaitState kept;

        SlowStage(Queue<String> callThreads, Duration callTime, int pollsUntilDone) {
            this.callThreads = callThreads;
            this.callTime = callTime;
            this.pollsUntilDone = pollsUntilDone;
        }

        void call() throws InterruptedException {
            callThreads.add(Thread.currentThread().getName());
            Thread.sleep(callTime.toMillis());
        }

        @Override
        public WaitState begin() throws Exception {
            call();
            return WaitState.start("slow thing", Instant.now(), Duration.ofMinutes(5));
        }

        @Override
        public PollOutcome<String> poll() throws Exception {
            call();
            return polls.incrementAndGet() >= pollsUntilDone ? PollOutcome.done("ready")
                    : PollOutcome.waiting("not yet");
        }

        @Override
        public void finish(WaitDecision<String> decision) {
            result.set(decision instanceof WaitDecision.Finished<String> f
                    && f.outcome() instanceof PollOutcome.Done<String> d ? d.value() : "timed out");
            ended.countDown();
        }

        @Override
        public void fail(Throwable error) {
            failure.set(error);
            ended.countDown();
        }

        @Override
        public void cleanUp(Throwable cause) {
            callThreads.add(Thread.currentThread().getName());
            cleanUps.incrementAndGet();
        }

        @Override
        public void stateChanged(WaitState state) {
            kept = state;
        }

        @Override
        public void release() {
            releases.incrementAndGet();
        }
    }

    private ScheduledWait<String> waitFor(SlowStage stage) {
        return new ScheduledWait<>(pool, new WaitEngine(FAST), Clock.systemUTC(), stage, null, false);
    }

    @Test
    void fiftyWaitsOnASlowServiceNeverCallFromTheSchedulingPoolAndNeverDelayIt() throws Exception {
        pool.close();
        pool = new WorkerPool(timer, WORKER, 10, 100);
        Queue<String> callThreads = new ConcurrentLinkedQueue<>();
        List<SlowStage> stages = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SlowStage stage = new SlowStage(callThreads, Duration.ofSeconds(2), 1);
            stages.add(stage);
            waitFor(stage).start();
        }

        // While every worker is busy for seconds, the timer still fires on time: it only schedules.
        Thread.sleep(500);
        assertThat(pool.busy()).as("all workers are in a slow call").isEqualTo(10);
        long scheduledAt = System.nanoTime();
        CountDownLatch fired = new CountDownLatch(1);
        timer.schedule(fired::countDown, 100, TimeUnit.MILLISECONDS);
        assertThat(fired.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - scheduledAt)).as("the timer was not held up by the calls")
                .isLessThan(Duration.ofMillis(1000));

        for (SlowStage stage : stages) {
            assertThat(stage.ended.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stage.result.get()).isEqualTo("ready");
            assertThat(stage.failure.get()).isNull();
        }
        assertThat(callThreads).hasSize(100).allSatisfy(name -> assertThat(name).startsWith(WORKER + "-"));
        assertThat(callThreads).noneMatch(name -> name.startsWith(TIMER));
        assertThat(callThreads.stream().distinct().count()).as("the pool is bounded").isLessThanOrEqualTo(10);
    }

    @Test
    void aPollThatReturnsAfterStopReportsNothingAndTheCleanUpRunsAfterIt() throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        SlowStage stage = new SlowStage(new ConcurrentLinkedQueue<>(), Duration.ZERO, 1) {
            @Override
            public PollOutcome<String> poll() throws Exception {
                polling.countDown();
                release.await();
                order.add("poll returned");
                return PollOutcome.done("ready");
            }

            @Override
            public void cleanUp(Throwable cause) {
                order.add("clean-up: " + cause.getMessage());
                super.cleanUp(cause);
            }
        };
        ScheduledWait<String> wait = waitFor(stage);
        wait.start();
        assertThat(polling.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(wait.stop(new InterruptedException("aborted by admin"))).isTrue();
        assertThat(order).as("stop did not wait for the poll in flight").isEmpty();
        assertThat(wait.stop(new InterruptedException("aborted again"))).as("a second abort queues nothing")
                .isFalse();
        release.countDown();

        waitUntil(() -> stage.releases.get() == 1);
        assertThat(order).containsExactly("poll returned", "clean-up: aborted by admin");
        assertThat(stage.result.get()).as("the late poll did not report").isNull();
        assertThat(stage.failure.get()).isNull();
        assertThat(stage.cleanUps.get()).isEqualTo(1);
        Thread.sleep(200);
        assertThat(stage.polls.get()).as("and scheduled no further poll").isZero();
    }

    @Test
    void throttlingKeepsTheWaitGoingAndAnotherErrorEndsIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SlowStage stage = new SlowStage(new ConcurrentLinkedQueue<>(), Duration.ZERO, 1) {
            @Override
            public PollOutcome<String> poll() {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    throw AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("ThrottlingException").errorMessage("Rate exceeded").build()).build();
                }
                throw AwsServiceException.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException").errorMessage("not allowed").build()).build();
            }
        };
        waitFor(stage).start();

        assertThat(stage.ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(stage.kept.throttleStreak()).as("the throttled poll was recorded as such").isEqualTo(1);
        assertThat(stage.failure.get()).hasMessageContaining("not allowed");
        waitUntil(() -> stage.releases.get() == 1); // release() follows fail() on the worker
    }

    @Test
    void workThatFailsBecauseTheControllerStopsIsNotReportedAndResumesLater() throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        SlowStage stage = new SlowStage(new ConcurrentLinkedQueue<>(), Duration.ZERO, 1) {
            @Override
            public PollOutcome<String> poll() throws Exception {
                polling.countDown();
                Thread.sleep(60_000);
                return PollOutcome.done("never");
            }
        };
        ScheduledWait<String> wait = waitFor(stage);
        wait.start();
        assertThat(polling.await(5, TimeUnit.SECONDS)).isTrue();

        pool.close();
        Thread.sleep(200);
        assertThat(stage.failure.get()).as("the interrupted poll is not a failure of the step").isNull();
        assertThat(wait.ended()).isFalse();

        // After the restart: a new pool, the persisted state, the same wait goes on.
        pool = new WorkerPool(timer, WORKER, 4, 100);
        SlowStage resumed = new SlowStage(new ConcurrentLinkedQueue<>(), Duration.ZERO, 1);
        new ScheduledWait<>(pool, new WaitEngine(FAST), Clock.systemUTC(), resumed, stage.kept, false).resume();
        assertThat(resumed.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.result.get()).isEqualTo("ready");
        assertThat(resumed.callThreads).as("the resumed wait polled and did not begin again").hasSize(1);
    }

    @Test
    void aFullQueueDefersWorkInsteadOfDroppingIt() throws Exception {
        pool.close();
        pool = new WorkerPool(timer, WORKER, 1, 1);
        List<SlowStage> stages = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SlowStage stage = new SlowStage(new ConcurrentLinkedQueue<>(), Duration.ofMillis(50), 1);
            stages.add(stage);
            waitFor(stage).start();
        }
        for (SlowStage stage : stages) {
            assertThat(stage.ended.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(stage.result.get()).isEqualTo("ready");
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + " [#" + n.incrementAndGet() + "]");
            t.setDaemon(true);
            return t;
        };
    }
}
