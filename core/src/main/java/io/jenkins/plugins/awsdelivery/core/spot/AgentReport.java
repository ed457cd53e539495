package io.jenkins.plugins.awsdelivery.core.spot;

/**
 * What the caller (Jenkins, or the simulator) knows of one agent at a step: whether it is connected and how many
 * of its executors are busy, including work assigned but not yet started.
 */
public record AgentReport(String instanceId, boolean connected, int busyExecutors) {
}
