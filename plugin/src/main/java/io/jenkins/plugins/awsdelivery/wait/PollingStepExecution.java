package io.jenkins.plugins.awsdelivery.wait;

import hudson.AbortException;
import hudson.Util;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.ScheduledWait;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The one shape of the plugin's waiting steps, the way {@code sleep} and {@code waitUntil} wait: nothing holds a
 * thread between polls. {@link Timer} only schedules; every AWS and Kubernetes call ({@link #begin()}, each
 * {@link #pollOnce()}, the clean-up after an abort) runs on the plugin's own {@link StepWorkers}, driven by core's
 * {@link ScheduledWait}. A stage supplies only begin, poll, finish, and what to undo after an abort.
 *
 * <p>Persisted in program.dat: the policy, the {@link WaitState}, whether the step ended, and the subclass's IDs.
 * After a controller restart {@link #onResume()} begins again (when begin had not returned: a begin that changes
 * the world must {@link #checkpoint()} what it started and find it again) or polls at once.
 *
 * <p>{@link #stop} runs on the Pipeline (CPS VM) thread: it never calls out. It ends the wait, completes the step at
 * once and hands the clean-up to a worker, which writes its outcome to the build log.
 *
 * @param <R> what the stage's poll reports when the wait ends
 */
public abstract class PollingStepExecution<R> extends AbstractStepExecutionImpl {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(PollingStepExecution.class.getName());

    // Field names are those of earlier versions, so that state saved by them is read back.
    private final WaitPolicy policy;
    private volatile WaitState state;
    private volatile boolean done;
    private transient volatile ScheduledWait<R> wait;

    protected PollingStepExecution(StepContext context, WaitPolicy policy) {
        super(context);
        this.policy = policy;
    }

    /**
     * Does the stage's initial action (start a deployment, take a snapshot) and returns the state to wait on; or
     * returns null when that action is all the step does, and {@link #finish} follows with a null decision. Runs on
     * a worker. After a restart it runs again unless it had returned: what it changes in the world must be
     * recorded with {@link #checkpoint()} before it returns, and found again instead of repeated.
     */
    protected abstract WaitState begin() throws Exception;

    /** One short check of where things stand. Runs on a worker. */
    protected abstract PollOutcome<R> pollOnce() throws Exception;

    /**
     * Reports the end of the wait and completes the step with {@code getContext().onSuccess/onFailure}.
     *
     * @param decision how the wait ended; null when {@link #begin()} returned null
     */
    protected abstract void finish(WaitDecision<R> decision) throws Exception;

    /**
     * After an abort: undo what must not stay (unfreeze before deleting). Runs on a worker, after any begin or poll
     * still in flight; what it prints goes to the build log. Nothing by default.
     */
    protected void cleanUpAfterStop(Throwable cause) throws Exception {
        // most stages leave nothing to undo
    }

    /** Closes the stage's clients; called once the wait is over, however it ended. */
    protected abstract void release();

    @Override
    public final boolean start() throws Exception {
        scheduled().start();
        return false;
    }

    @Override
    public void onResume() {
        if (done) {
            return;
        }
        WaitState s = state;
        listener().getLogger().println("Resuming the wait after a restart"
                + (s == null ? "" : " (" + s.subject() + ", deadline " + s.deadline() + ")"));
        scheduled().resume();
    }

    /**
     * Ends the step at once, as {@code sleep} does: no call here (this runs on the Pipeline thread, which allows
     * it a few seconds); the clean-up runs on a worker. A second abort finds the step ended and queues nothing
     * again; the clean-up already queued still runs.
     */
    @Override
    public void stop(Throwable cause) throws Exception {
        done = true;
        if (scheduled().stop(cause)) {
            listener().getLogger().println(stopMessage());
        }
        getContext().onFailure(cause);
    }

    @Override
    public String getStatus() {
        if (done) {
            return "finished";
        }
        WaitState s = state;
        if (s == null) {
            return "starting";
        }
        Instant now = Instant.now();
        return "waiting for " + s.subject() + (s.lastStatus().isEmpty() ? "" : ": " + s.lastStatus())
                + "; " + s.polls() + " polls, gives up in " + Util.getTimeSpanString(s.remaining(now).toMillis());
    }

    /** The state being waited on (null before {@link #begin()} returned). */
    protected WaitState state() {
        return state;
    }

    /** What {@link #stop} writes to the build log when it ends the wait. */
    protected String stopMessage() {
        return "Stopped; the clean-up runs in the background and its outcome follows in this log.";
    }

    /**
     * Saves this execution now (Pipeline program state), after {@link #begin()} changed something a restart must
     * find again. Waits up to a minute on the worker for the save. Does nothing for a controller that is stopping.
     */
    protected void checkpoint() {
        ScheduledWait<R> w = wait;
        if (w != null && w.abandoned()) {
            return;
        }
        try {
            getContext().saveState().get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "could not save the state of " + getContext(), e);
            listener().getLogger().println("Warning: could not save this step's state (" + e + "); after a "
                    + "controller crash it may not find what it started.");
        }
    }

    protected TaskListener listener() {
        try {
            TaskListener l = getContext().get(TaskListener.class);
            return l == null ? TaskListener.NULL : l;
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "no listener", e);
            return TaskListener.NULL;
        }
    }

    private synchronized ScheduledWait<R> scheduled() {
        if (wait == null) {
            wait = new ScheduledWait<>(StepWorkers.pool(), new WaitEngine(policy), Clock.systemUTC(), new Stage(),
                    state, done);
        }
        return wait;
    }

    /** Adapts this execution to core's {@link ScheduledWait}. */
    private final class Stage implements ScheduledWait.Work<R> {

        @Override
        public WaitState begin() throws Exception {
            return PollingStepExecution.this.begin();
        }

        @Override
        public PollOutcome<R> poll() throws Exception {
            return pollOnce();
        }

        @Override
        public void finish(WaitDecision<R> decision) throws Exception {
            done = true;
            PollingStepExecution.this.finish(decision);
        }

        @Override
        public void fail(Throwable error) {
            done = true;
            if (error instanceof StageException se) {
                getContext().onFailure(new AbortException(se.describe()));
            } else {
                getContext().onFailure(error);
            }
        }

        @Override
        public void cleanUp(Throwable cause) {
            try {
                cleanUpAfterStop(cause);
            } catch (Exception e) {
                String why = e instanceof StageException se ? se.describe() : e.toString();
                listener().getLogger().println("The clean-up after the abort failed: " + why);
                LOGGER.log(Level.WARNING, "clean-up after stop failed", e);
            }
        }

        @Override
        public void stateChanged(WaitState s) {
            boolean begun = state == null;
            state = s;
            if (begun) {
                checkpoint();
            }
        }

        @Override
        public void release() {
            PollingStepExecution.this.release();
        }
    }
}
