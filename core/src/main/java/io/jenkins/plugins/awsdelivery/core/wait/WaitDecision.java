package io.jenkins.plugins.awsdelivery.core.wait;

import java.time.Duration;

/** What the {@link WaitEngine} decided after a poll. */
public sealed interface WaitDecision<T> {

    /** The state to persist from now on. */
    WaitState state();

    /** The wait ended: the poll answered done or failed. */
    record Finished<T>(PollOutcome<T> outcome, WaitState state) implements WaitDecision<T> {}

    /** The deadline passed with the awaited state not reached. */
    record TimedOut<T>(WaitState state) implements WaitDecision<T> {}

    /** Poll again after {@code delay}. */
    record PollAgain<T>(Duration delay, WaitState state) implements WaitDecision<T> {}
}
