package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

/**
 * A Spot interruption warning or rebalance recommendation for one instance.
 *
 * @param action for an interruption, EC2's {@code instance-action} (terminate, stop, hibernate); empty otherwise
 * @param actionTime when EC2 acts (the interruption time), or the notice time for a recommendation
 * @param source where the notice came from ("imds" or "sqs")
 */
public record InterruptionNotice(String instanceId, NoticeKind kind, String action, Instant actionTime,
                                 String source) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Optional<String> actionName() {
        return action == null || action.isEmpty() ? Optional.empty() : Optional.of(action);
    }

    /**
     * True when the notice is about the instance whose agent was asked: an agent reads its own instance's metadata,
     * so a notice it reports about another instance is forged (a build on that agent could try to get another
     * agent removed) and is dropped.
     */
    public boolean concerns(String askedInstanceId) {
        return instanceId != null && instanceId.equals(askedInstanceId);
    }

    /** The reason shown on the agent in Jenkins. */
    public String describe() {
        return kind == NoticeKind.INTERRUPTION
                ? "EC2 Spot interruption: instance " + instanceId + " will " + actionName().orElse("terminate")
                        + " at " + actionTime + " (notice from " + source + ")"
                : "EC2 rebalance recommendation for instance " + instanceId + " at " + actionTime
                        + ": elevated interruption risk (notice from " + source + ")";
    }
}
