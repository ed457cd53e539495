package io.jenkins.plugins.awsdelivery;

import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.core.GateResult;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import java.io.IOException;
import java.util.List;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The bridge from core's {@link StageLog} to a build's console, the UNSTABLE marking stages share, and how a gate's
 * verdict ends a Pipeline step or a freestyle build step.
 */
public final class StageLogs {

    private StageLogs() {}

    /** A log that writes to the build console and masks {@code secrets}. */
    public static StageLog of(TaskListener listener, List<String> secrets) {
        return StageLog.to(listener.getLogger()).mask(secrets);
    }

    /**
     * Marks a Pipeline step and its build UNSTABLE with a visible message, as the {@code unstable} step does: the
     * stage shows yellow and the build result is at most UNSTABLE.
     */
    public static void markUnstable(StepContext context, String message) throws IOException, InterruptedException {
        FlowNode node = context.get(FlowNode.class);
        if (node != null) {
            node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
        }
        context.get(Run.class).setResult(Result.UNSTABLE);
    }

    /**
     * Ends a gate's Pipeline step by its verdict: FAILED fails the step with the gate's message; UNSTABLE marks the
     * step and build unstable and returns the result map; PASSED returns the result map.
     */
    public static void finish(StepContext context, GateResult result) throws IOException, InterruptedException {
        switch (result.verdict()) {
            case FAILED -> context.onFailure(new AbortException(result.message()));
            case UNSTABLE -> {
                markUnstable(context, result.message());
                context.onSuccess(result.toMap());
            }
            case PASSED -> context.onSuccess(result.toMap());
        }
    }

    /** Applies a gate's verdict to a freestyle build: FAILED fails the build step, UNSTABLE marks the build. */
    public static void apply(Run<?, ?> run, GateResult result) throws AbortException {
        switch (result.verdict()) {
            case FAILED -> throw new AbortException(result.message());
            case UNSTABLE -> run.setResult(Result.UNSTABLE);
            case PASSED -> { }
        }
    }
}
