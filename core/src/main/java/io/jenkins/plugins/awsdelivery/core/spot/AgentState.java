package io.jenkins.plugins.awsdelivery.core.spot;

/** Where an agent is in its life, as the engine sees it. */
public enum AgentState {
    /** The instance was launched (or adopted) and its agent has not connected yet. */
    LAUNCHING,
    /** Connected and taking work. */
    ONLINE,
    /** Chosen for scale-in: takes no new work; terminated at the next step if still idle. */
    RETIRING,
    /** Under an interruption notice or rebalance recommendation: takes no new work. */
    DRAINING,
    /** Termination requested or the instance is gone. */
    TERMINATED
}
