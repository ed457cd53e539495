package io.jenkins.plugins.awsdelivery.core.spot;

/**
 * An agent that just came under notice. The caller takes it offline for new work with {@link #reason()}; for an
 * interruption it reports the agent's running work as interrupted, so that Pipeline's
 * {@code retry(conditions: [agent()])} reruns it elsewhere.
 */
public record Interruption(Agent agent, InterruptionNotice notice, int busyExecutors) {

    public String reason() {
        return notice.describe();
    }

    /** True when work running on the agent will be killed (an interruption, not a recommendation). */
    public boolean workAtRisk() {
        return notice.kind() == NoticeKind.INTERRUPTION && busyExecutors > 0;
    }
}
