package io.jenkins.plugins.awsdelivery;

import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import java.io.IOException;
import java.util.List;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/** The bridge from core's {@link StageLog} to a build's console, and the UNSTABLE marking stages share. */
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
}
