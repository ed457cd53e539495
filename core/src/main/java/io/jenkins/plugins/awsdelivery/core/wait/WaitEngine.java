package io.jenkins.plugins.awsdelivery.core.wait;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Decides, after each poll, whether a wait is over and when to poll next. It holds no clock and no thread: the
 * Jenkins step execution (on a timer) and the CLI (in a blocking loop) call it with the time and the outcome.
 */
public final class WaitEngine {

    private final WaitPolicy policy;
    private final RandomGenerator random;

    public WaitEngine(WaitPolicy policy, RandomGenerator random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    public WaitEngine(WaitPolicy policy) {
        this(policy, RandomGenerator.getDefault());
    }

    public WaitPolicy policy() {
        return policy;
    }

    /**
     * @param state the state before this poll
     * @param outcome what the poll found
     * @param now the time the poll finished
     */
    public <T> WaitDecision<T> decide(WaitState state, PollOutcome<T> outcome, Instant now) {
        if (outcome instanceof PollOutcome.KeepWaiting<T> waiting) {
            WaitState next = state.afterPoll(waiting);
            Duration remaining = Duration.between(now, next.deadline());
            if (remaining.isNegative() || remaining.isZero()) {
                return new WaitDecision.TimedOut<>(next);
            }
            Duration delay = delayFor(next);
            // One last poll exactly at the deadline rather than sleeping past it.
            return new WaitDecision.PollAgain<>(delay.compareTo(remaining) > 0 ? remaining : delay, next);
        }
        return new WaitDecision.Finished<>(outcome, state.counted());
    }

    /** The delay before the next poll, for a state that has just been updated by a poll. */
    public Duration delayFor(WaitState state) {
        double initial = policy.initialInterval().toMillis();
        double base = Math.min(policy.maxInterval().toMillis(),
                initial * Math.pow(policy.multiplier(), Math.max(0, state.attempt() - 1)));
        double limit = policy.maxInterval().toMillis();
        if (state.throttleStreak() > 0) {
            base = Math.min(policy.throttledMaxInterval().toMillis(),
                    Math.max(base, initial) * Math.pow(2, state.throttleStreak()));
            limit = policy.throttledMaxInterval().toMillis();
        }
        double jittered = base * (1.0 - policy.jitter() * random.nextDouble());
        long millis = Math.round(Math.min(limit, Math.max(1, jittered)));
        return Duration.ofMillis(millis);
    }
}
