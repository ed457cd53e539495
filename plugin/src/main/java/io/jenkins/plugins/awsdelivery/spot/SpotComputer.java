package io.jenkins.plugins.awsdelivery.spot;

import hudson.slaves.AbstractCloudComputer;

/** The computer of a {@link SpotAgent}. */
public final class SpotComputer extends AbstractCloudComputer<SpotAgent> {

    public SpotComputer(SpotAgent agent) {
        super(agent);
    }

    /** True while the engine wants this agent to take builds (not retiring, not under notice). */
    boolean acceptsWork() {
        SpotAgent agent = getNode();
        SpotCloud cloud = agent == null ? null : agent.getCloud();
        return cloud != null && cloud.getRuntime().acceptsWork(agent.getInstanceId());
    }
}
