package io.jenkins.plugins.awsdelivery.core.wait;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Drives a wait in the calling thread, for the CLI: poll, ask the {@link WaitEngine}, sleep, repeat. Jenkins never
 * uses this; its step executions schedule each poll on a timer instead.
 */
public final class BlockingWaiter {

    /** Sleeps; tests pass one that only advances a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final WaitEngine engine;
    private final Clock clock;
    private final Sleeper sleeper;

    public BlockingWaiter(WaitEngine engine, Clock clock, Sleeper sleeper) {
        this.engine = engine;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public BlockingWaiter(WaitEngine engine) {
        this(engine, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Polls until the outcome is done or failed, or the deadline passes.
     *
     * @param onPoll sees the state after every poll that did not end the wait (for progress lines)
     * @return the last decision: {@link WaitDecision.Finished} or {@link WaitDecision.TimedOut}
     */
    public <T> WaitDecision<T> await(WaitState initial, Supplier<PollOutcome<T>> poll, Consumer<WaitState> onPoll) {
        WaitState state = initial;
        while (true) {
            WaitDecision<T> decision = engine.decide(state, poll.get(), clock.instant());
            if (!(decision instanceof WaitDecision.PollAgain<T> again)) {
                return decision;
            }
            state = again.state();
            onPoll.accept(state);
            try {
                sleeper.sleep(again.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StageException(StageException.Kind.TIMEOUT,
                        "Interrupted while waiting for " + state.subject() + ".", "", e);
            }
        }
    }
}
