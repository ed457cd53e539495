package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the caller (Jenkins, or the simulator) knows of one agent at a step: whether it is connected, how many of
 * its executors are busy (including work assigned but not yet started), for busy executors whose work has an
 * estimated duration, how long that work is expected to go on (Jenkins' {@code
 * Executor#getEstimatedRemainingTimeMillis}: the job's average duration minus the time elapsed; work past its
 * estimate, or without one, is left out), and how many builds the agent has taken since it connected (what a
 * template's maximum total uses counts; 0 when the caller does not count them), and when it connected, if the
 * caller knows (the plugin stamps it when the agent comes online; {@code null}: the step that first sees it
 * connected is taken, up to one step late).
 */
public record AgentReport(String instanceId, boolean connected, int busyExecutors,
                          List<Duration> estimatedRemaining, int buildsAccepted, Instant connectedSince) {

    public AgentReport {
        estimatedRemaining = estimatedRemaining == null ? List.of()
                : estimatedRemaining.stream().filter(d -> d != null && !d.isNegative()).toList();
        buildsAccepted = Math.max(0, buildsAccepted);
    }

    /** A report without the time the agent connected. */
    public AgentReport(String instanceId, boolean connected, int busyExecutors,
                       List<Duration> estimatedRemaining, int buildsAccepted) {
        this(instanceId, connected, busyExecutors, estimatedRemaining, buildsAccepted, null);
    }

    /** A report that does not count the builds taken. */
    public AgentReport(String instanceId, boolean connected, int busyExecutors,
                       List<Duration> estimatedRemaining) {
        this(instanceId, connected, busyExecutors, estimatedRemaining, 0);
    }

    /** A report without estimates: busy executors are assumed to stay busy. */
    public AgentReport(String instanceId, boolean connected, int busyExecutors) {
        this(instanceId, connected, busyExecutors, List.of(), 0);
    }
}
