package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.util.List;

/**
 * What the caller (Jenkins, or the simulator) knows of one agent at a step: whether it is connected, how many of
 * its executors are busy (including work assigned but not yet started), and, for busy executors whose work has an
 * estimated duration, how long that work is expected to go on (Jenkins' {@code
 * Executor#getEstimatedRemainingTimeMillis}: the job's average duration minus the time elapsed; work past its
 * estimate, or without one, is left out).
 */
public record AgentReport(String instanceId, boolean connected, int busyExecutors,
                          List<Duration> estimatedRemaining) {

    public AgentReport {
        estimatedRemaining = estimatedRemaining == null ? List.of()
                : estimatedRemaining.stream().filter(d -> d != null && !d.isNegative()).toList();
    }

    /** A report without estimates: busy executors are assumed to stay busy. */
    public AgentReport(String instanceId, boolean connected, int busyExecutors) {
        this(instanceId, connected, busyExecutors, List.of());
    }
}
