package io.jenkins.plugins.awsdelivery.wait;

import hudson.AbortException;
import hudson.Util;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A step execution that waits on AWS or Kubernetes without holding a thread: each poll runs on
 * {@link Timer} and schedules the next one, the way {@code sleep} and {@code waitUntil} do. Only the serializable
 * {@link WaitState} and {@link WaitPolicy} (and the subclass's IDs) are kept, so after a controller restart
 * {@link #onResume()} polls again at once and the same wait goes on until its original deadline.
 *
 * <p>Subclasses keep clients {@code transient} and rebuild them from persisted IDs in {@link #pollOnce()}.
 *
 * @param <R> what the stage's poll reports when the wait ends
 */
public abstract class PollingStepExecution<R> extends AbstractStepExecutionImpl {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(PollingStepExecution.class.getName());

    private final WaitPolicy policy;
    private WaitState state;
    private boolean done;
    private transient volatile ScheduledFuture<?> task;
    private transient WaitEngine engine;

    protected PollingStepExecution(StepContext context, WaitPolicy policy) {
        super(context);
        this.policy = policy;
    }

    /**
     * Does the stage's initial action (start a deployment, create a snapshot) and returns the state to wait on; or
     * completes the step itself ({@code getContext().onSuccess(..)}) and returns null. Runs on a timer thread, not
     * the Pipeline thread. Must be safe to run again after a restart that came before it returned.
     */
    protected abstract WaitState begin() throws Exception;

    /** One short check of where things stand. Runs on a timer thread. */
    protected abstract PollOutcome<R> pollOnce() throws Exception;

    /** Reports the end of the wait and completes the step with {@code getContext().onSuccess/onFailure}. */
    protected abstract void finish(WaitDecision<R> decision) throws Exception;

    @Override
    public final boolean start() throws Exception {
        schedule(Duration.ZERO, this::runBegin);
        return false;
    }

    @Override
    public void onResume() {
        if (done) {
            return;
        }
        listener().getLogger().println("Resuming the wait after a restart"
                + (state == null ? "" : " (" + state.subject() + ", deadline " + state.deadline() + ")"));
        schedule(Duration.ZERO, state == null ? this::runBegin : this::tick);
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        done = true;
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        super.stop(cause);
    }

    @Override
    public String getStatus() {
        if (done) {
            return "finished";
        }
        if (state == null) {
            return "starting";
        }
        Instant now = Instant.now();
        return "waiting for " + state.subject() + (state.lastStatus().isEmpty() ? "" : ": " + state.lastStatus())
                + "; " + state.polls() + " polls, gives up in "
                + Util.getTimeSpanString(state.remaining(now).toMillis());
    }

    /** The state being waited on (null before {@link #begin()} returned). */
    protected WaitState state() {
        return state;
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

    private void schedule(Duration delay, Runnable action) {
        task = Timer.get().schedule(action, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private WaitEngine engine() {
        if (engine == null) {
            engine = new WaitEngine(policy);
        }
        return engine;
    }

    private void runBegin() {
        if (done) {
            return;
        }
        try {
            WaitState initial = begin();
            if (initial == null) {
                done = true;
                return;
            }
            state = initial;
            schedule(engine().delayFor(initial), this::tick);
        } catch (Throwable e) {
            fail(e);
        }
    }

    private void tick() {
        if (done) {
            return;
        }
        try {
            PollOutcome<R> outcome;
            try {
                outcome = pollOnce();
            } catch (Exception e) {
                if (!isTransient(e)) {
                    throw e;
                }
                // Throttling, 5xx and lost connections do not end the wait: poll again, more slowly.
                outcome = new PollOutcome.KeepWaiting<>("AWS answered " + e.getMessage() + "; trying again",
                        false, true);
            }
            WaitDecision<R> decision = engine().decide(state, outcome, Instant.now());
            state = decision.state();
            if (decision instanceof WaitDecision.PollAgain<R> again) {
                schedule(again.delay(), this::tick);
                return;
            }
            done = true;
            finish(decision);
        } catch (Throwable e) {
            fail(e);
        }
    }

    private static boolean isTransient(Throwable e) {
        Throwable t = e instanceof StageException && e.getCause() != null ? e.getCause() : e;
        return AwsErrors.isTransient(t);
    }

    private void fail(Throwable e) {
        done = true;
        if (e instanceof StageException se) {
            getContext().onFailure(new AbortException(se.describe()));
        } else {
            getContext().onFailure(e);
        }
    }
}
