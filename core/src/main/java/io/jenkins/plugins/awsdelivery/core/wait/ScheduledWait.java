package io.jenkins.plugins.awsdelivery.core.wait;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One wait of a stage, driven without holding a thread: {@code begin}, then a poll whenever the {@link WaitEngine}
 * says, each on a {@link WorkerPool} worker. The Jenkins step execution keeps the {@link WaitState} this reports
 * (to resume after a restart) and completes the step from {@link Work#finish} or {@link Work#fail}.
 *
 * <p>Rules that make abort and overlap safe:
 * <ul>
 *     <li>The wait ends exactly once: by finish, by failure or by {@link #stop}. Whatever comes second does nothing,
 *     so a poll that returns after {@code stop} neither reports nor schedules another poll.</li>
 *     <li>{@link #stop} never blocks: it cancels the timer and queues the clean-up on a worker, where it runs after
 *     any {@code begin} or poll still in flight, never beside it (the stage's clients are not shared between two
 *     threads, and an unfreeze comes after the freeze it undoes).</li>
 *     <li>Throttling, 5xx answers and lost connections do not end the wait: the next poll comes later.</li>
 *     <li>Work that fails because the pool is closing (the controller stops) is not reported: the step resumes after
 *     the restart.</li>
 * </ul>
 *
 * @param <R> what the stage reports when the wait ends
 */
public final class ScheduledWait<R> {

    /** What a stage supplies. Every method runs on a worker thread, one at a time. */
    public interface Work<R> {

        /**
         * The stage's initial action (start a deployment, take a snapshot). Returns the state to wait on, or null
         * when the action is all the stage does: then {@link #finish} follows with a null decision.
         */
        WaitState begin() throws Exception;

        /** One short look at where things stand. */
        PollOutcome<R> poll() throws Exception;

        /** The wait ended (null: {@link #begin} was all). Reports the result. */
        void finish(WaitDecision<R> decision) throws Exception;

        /** {@link #begin}, a poll or {@link #finish} failed. Reports the failure. */
        void fail(Throwable error);

        /** After {@link #stop}: undo what must not stay (unfreeze first, then deletions). Must not throw. */
        void cleanUp(Throwable cause);

        /** The state changed: keep it, so that a restart resumes from here. */
        void stateChanged(WaitState state);

        /** The wait is over, however it ended: close clients. */
        void release();
    }

    private static final Logger LOGGER = Logger.getLogger(ScheduledWait.class.getName());

    private final WorkerPool pool;
    private final WaitEngine engine;
    private final Clock clock;
    private final Work<R> work;
    private final Object turn = new Object();
    private final AtomicBoolean ended;
    private volatile WaitState state;
    private volatile Future<?> timer;

    /**
     * @param state the state persisted so far: null before {@code begin} finished
     * @param ended true when the wait ended before (a resumed execution that had completed)
     */
    public ScheduledWait(WorkerPool pool, WaitEngine engine, Clock clock, Work<R> work, WaitState state,
                         boolean ended) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.work = Objects.requireNonNull(work, "work");
        this.state = state;
        this.ended = new AtomicBoolean(ended);
    }

    /** Begins on a worker at once. */
    public void start() {
        pool.submit(this::runBegin);
    }

    /** Goes on after a restart: begins again when {@code begin} had not finished, or polls at once. */
    public void resume() {
        pool.submit(state == null ? this::runBegin : this::runPoll);
    }

    public boolean ended() {
        return ended.get();
    }

    /**
     * True once the pool shut down (the controller stops): work still running belongs to a controller that is going
     * away and must not report or persist anything; the restarted controller resumes the step.
     */
    public boolean abandoned() {
        return pool.closing();
    }

    public WaitState state() {
        return state;
    }

    /**
     * Ends the wait now, from any thread, without blocking: no further poll, no report; the clean-up runs on a
     * worker after the work in flight.
     *
     * @return false when the wait had already ended (a second abort): nothing is queued again
     */
    public boolean stop(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        pool.submit(() -> {
            synchronized (turn) {
                try {
                    work.cleanUp(cause);
                } catch (RuntimeException e) {
                    LOGGER.log(Level.WARNING, "clean-up after stop failed", e);
                } finally {
                    work.release();
                }
            }
        });
        return true;
    }

    private void runBegin() {
        synchronized (turn) {
            if (ended.get()) {
                return;
            }
            try {
                WaitState initial = work.begin();
                if (pool.closing()) {
                    return;
                }
                if (initial == null) {
                    end(null);
                    return;
                }
                if (ended.get()) {
                    return;
                }
                changed(initial);
                next(engine.delayFor(initial));
            } catch (Throwable e) {
                failed(e);
            }
        }
    }

    private void runPoll() {
        synchronized (turn) {
            if (ended.get()) {
                return;
            }
            try {
                PollOutcome<R> outcome;
                try {
                    outcome = work.poll();
                } catch (Exception e) {
                    if (!isTransient(e) || pool.closing()) {
                        throw e;
                    }
                    outcome = new PollOutcome.KeepWaiting<>("the service answered " + e.getMessage()
                            + "; trying again", false, true);
                }
                if (ended.get() || pool.closing()) {
                    return;
                }
                WaitDecision<R> decision = engine.decide(state, outcome, clock.instant());
                changed(decision.state());
                if (decision instanceof WaitDecision.PollAgain<R> again) {
                    next(again.delay());
                } else {
                    end(decision);
                }
            } catch (Throwable e) {
                failed(e);
            }
        }
    }

    private void changed(WaitState s) {
        state = s;
        work.stateChanged(s);
    }

    private void next(Duration delay) {
        timer = pool.schedule(delay, this::runPoll);
        if (ended.get()) {
            // stop() came between the check and the scheduling: it may have missed this timer.
            timer.cancel(false);
        }
    }

    private void end(WaitDecision<R> decision) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            work.finish(decision);
        } catch (Throwable e) {
            work.fail(e);
        } finally {
            work.release();
        }
    }

    private void failed(Throwable e) {
        if (pool.closing()) {
            LOGGER.log(Level.FINE, "work interrupted by shutdown; it resumes after the restart", e);
            return;
        }
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            work.fail(e);
        } finally {
            work.release();
        }
    }

    private static boolean isTransient(Throwable e) {
        Throwable t = e instanceof StageException && e.getCause() != null ? e.getCause() : e;
        return AwsErrors.isTransient(t);
    }
}
