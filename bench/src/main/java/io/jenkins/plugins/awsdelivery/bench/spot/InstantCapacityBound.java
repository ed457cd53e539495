package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import java.util.Map;

/**
 * Not a policy anyone could run: a reference for what provisioning can achieve at all. At every 10-second step it
 * adds, already connected, as many agents as the queue needs, up to the maximum, and retires agents idle for the
 * idle timeout. Agents are on demand, so never interrupted. Its p95 queue wait is a lower bound for every policy
 * with the same maximum: what remains is waiting for capacity the maximum does not allow.
 */
final class InstantCapacityBound implements Simulation.Policy {

    private final Simulation sim;
    private final int max;
    private final int executors;
    private final long idleTimeout;
    private final Pool pool;

    InstantCapacityBound(Simulation sim, int max, int executors, long idleTimeoutSeconds) {
        this.sim = sim;
        this.max = max;
        this.executors = executors;
        this.idleTimeout = idleTimeoutSeconds;
        this.pool = new Pool(SpotMarketModel.TYPES.get(0), SpotMarketModel.SUBNETS.get(0));
    }

    @Override
    public String name() {
        return "instant capacity (lower bound)";
    }

    @Override
    public void tick(long now) {
        int free = 0;
        for (SimInstance i : new java.util.ArrayList<>(sim.instances)) {
            if (sim.usedUp(i) && i.running.isEmpty()) {
                sim.kill(i, now); // its uses are spent: gone at once
            } else if (i.acceptingWork) {
                free += i.free();
            }
        }
        int missing = sim.queue.size() - free;
        while (missing > 0 && sim.instances.size() < max) {
            SimInstance i = sim.market.launch(pool, Market.ON_DEMAND, now, executors, 0);
            i.idleSince = now;
            sim.instances.add(i);
            sim.connectAt(i, now);
            missing -= executors;
        }
        if (sim.queue.isEmpty()) {
            for (SimInstance i : new java.util.ArrayList<>(sim.instances)) {
                if (i.running.isEmpty() && now - i.idleSince >= idleTimeout) {
                    sim.kill(i, now);
                }
            }
        }
    }

    @Override
    public void onNotice(SpotMarketModel.Notice notice, long now) {
        // On-demand agents get no notices.
    }

    @Override
    public Map<String, Long> apiCalls() {
        return Map.of();
    }
}
