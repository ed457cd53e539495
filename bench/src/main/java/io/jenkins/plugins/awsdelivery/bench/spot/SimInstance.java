package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** One modelled EC2 instance and the Jenkins agent on it. */
final class SimInstance {
    final String id;
    final Pool pool;
    final Market market;
    final long launchedAt;
    final double pricePerHour;
    final int executors;
    /** When the agent process is up and could connect (boot time). */
    final long bootedAt;
    /** When the agent is connected to Jenkins; -1 until then. */
    long connectedAt = -1;
    boolean alive = true;
    boolean acceptingWork = true;
    /** Set when EC2 has scheduled its interruption. */
    long terminatesAt = -1;
    /** The target-capacity model's termination of an idle agent, one cycle after choosing it. */
    long scaleInAt = -1;
    long idleSince;
    /** Builds this agent has accepted since it connected (what a maxTotalUses setting counts). */
    int buildsAccepted;
    /** When EC2 reclaims it for background reasons (Spot only), drawn at launch. */
    long backgroundReclaimAt = Long.MAX_VALUE;
    /** This instance's own random stream (its notices). */
    final Random random;
    final List<SimBuild> running = new ArrayList<>();

    SimInstance(String id, Pool pool, Market market, long launchedAt, long bootedAt, double pricePerHour,
                int executors, Random random) {
        this.random = random;
        this.id = id;
        this.pool = pool;
        this.market = market;
        this.launchedAt = launchedAt;
        this.bootedAt = bootedAt;
        this.pricePerHour = pricePerHour;
        this.executors = executors;
    }

    /** True once the agent has connected to Jenkins. */
    boolean connected(long now) {
        return connectedAt >= 0 && connectedAt <= now;
    }

    int free() {
        return executors - running.size();
    }
}
