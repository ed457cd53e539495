package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A model of the target-capacity approach: one EC2 Fleet of type maintain (the same 18 pools, capacity-optimized)
 * whose target the plugin raises to cover the queue and lowers when it removes an idle agent.
 *
 * <ul>
 *   <li>Every 10 s the plugin reads the fleet's state: DescribeFleets, DescribeFleetInstances and DescribeInstances
 *       (3 calls); it raises the target with ModifyFleet when Jenkins' provisioning strategy asks for capacity
 *       (by default Jenkins' own {@code NodeProvisioner.StandardStrategyImpl}, as in the documented setup, which
 *       does not turn the plugin's No Delay Provision option on; {@link Variant#NO_DELAY} turns it on); it removes
 *       an idle agent with ModifyFleet and
 *       TerminateInstances one cycle later, while Jenkins can still give that agent a build (the race).</li>
 *   <li>EC2 fulfils the target every 30 s from pools with free capacity; when none has any it waits (no
 *       on-demand fallback).</li>
 *   <li>A new instance becomes an agent at the first cycle after it has booted, and connects over SSH 20 to 40 s
 *       later.</li>
 *   <li>Interruption notices are not read: an agent is seen only when it disappears, its builds are rerun from the
 *       start, and the fleet replaces the capacity at its next evaluation.</li>
 * </ul>
 */
final class TargetCapacityPolicy implements Simulation.Policy {

    private final Simulation sim;
    private final int max;
    private final int executors;
    private final long idleTimeout;
    private final Random random;
    private final Map<String, Long> calls = new TreeMap<>();
    private int target;
    private final Variant variant;
    /** Jenkins' load statistics (exponential moving averages, updated every 10 s with decay 0.9). */
    private float queueEma;
    private float availableEma;
    private float plannedEma;
    private float connectingEma;

    /** Which version of the approach. */
    enum Variant {
        /**
         * The documented setup: Jenkins' default provisioning strategy decides when to raise the target (the
         * plugin's "No Delay Provision" option is off by default and the setup does not turn it on).
         */
        JENKINS_DEFAULT("target-capacity model"),
        /** Provisioning as soon as the queue exceeds the capacity (the plugin's "No Delay Provision" option on). */
        NO_DELAY("target-capacity, No Delay Provision on");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    TargetCapacityPolicy(Simulation sim, int max, int executors, long idleTimeoutSeconds, long seed,
                         Variant variant) {
        this.sim = sim;
        this.variant = variant;
        this.max = max;
        this.executors = executors;
        this.idleTimeout = idleTimeoutSeconds;
        this.random = new Random(seed);
    }

    private void count(String op, int n) {
        calls.merge("Ec2." + op, (long) n, Long::sum);
    }

    @Override
    public String name() {
        return variant.label;
    }

    @Override
    public void tick(long now) {
        count("DescribeFleets", 1);
        count("DescribeFleetInstances", 1);
        count("DescribeInstances", 1);
        int busy = 0;
        for (SimInstance i : sim.instances) {
            busy += i.running.size();
            if (i.connectedAt < 0 && i.bootedAt <= now) {
                sim.connectAt(i, now + 20 + random.nextInt(21));
            }
        }
        if (variant == Variant.JENKINS_DEFAULT) {
            standardStrategy(now, busy);
        } else {
            int needed = (int) Math.ceil((busy + sim.queue.size()) / (double) executors);
            if (needed > target && target < max) {
                target = Math.min(max, needed);
                count("ModifyFleet", 1);
            }
        }
        if (sim.queue.isEmpty()) {
            for (SimInstance i : sim.instances) {
                if (i.scaleInAt < 0 && i.connected(now) && i.running.isEmpty() && now - i.idleSince >= idleTimeout
                        && now - i.connectedAt >= idleTimeout) {
                    i.scaleInAt = now + 10;
                    target = Math.max(0, target - 1);
                    count("ModifyFleet", 1);
                    count("TerminateInstances", 1);
                }
            }
        }
        if (now % 30 == 0) {
            fulfil(now);
        }
    }

    /**
     * Jenkins' {@code NodeProvisioner.StandardStrategyImpl} with its default settings (MARGIN 0.1, MARGIN0 0.5,
     * MARGIN_DECAY 0.5, load statistics decay 0.9 every 10 s): it provisions only when the executors are fully used
     * and the smoothed queue exceeds what is planned and connecting, so that a short surge does not start agents.
     */
    private void standardStrategy(long now, int busy) {
        int online = 0;
        int connecting = 0;
        int planned = 0;
        for (SimInstance i : sim.instances) {
            if (i.scaleInAt >= 0) {
                continue;
            }
            if (i.connected(now)) {
                online += i.executors;
            } else if (i.connectedAt >= 0) {
                connecting += i.executors; // a node in Jenkins, not connected yet
            } else {
                planned += i.executors; // launched by the fleet, not a node yet
            }
        }
        long alive = sim.instances.stream().filter(i -> i.scaleInAt < 0).count();
        planned += (int) Math.max(0, target - alive) * executors; // target raised, not fulfilled yet
        int queue = sim.queue.size();
        int available = Math.max(0, online - busy);
        queueEma = 0.9f * queueEma + 0.1f * queue;
        availableEma = 0.9f * availableEma + 0.1f * available;
        plannedEma = 0.9f * plannedEma + 0.1f * planned;
        connectingEma = 0.9f * connectingEma + 0.1f * connecting;
        boolean noneAtAll = available + connecting == 0 && online + planned == 0 && queue > 0;
        float availableConservative = Math.max(available, availableEma);
        if (availableConservative >= 0.1f && !noneAtAll) {
            return;
        }
        float qlen = Math.min(queueEma, queue);
        float connectingCapacity = Math.min(connectingEma, connecting);
        float plannedCapacity = Math.max(plannedEma, planned);
        float excess = qlen - plannedCapacity - connectingCapacity;
        if (noneAtAll && excess < 1) {
            excess = 1;
        }
        float m = (float) (0.1 + 0.4 * Math.pow(0.5, online));
        if (excess > 1 - m) {
            int workload = (int) Math.floor(excess + m);
            int instances = (int) Math.ceil(workload / (double) executors);
            if (instances > 0 && target < max) {
                target = Math.min(max, target + instances);
                count("ModifyFleet", 1);
            }
        }
    }

    /** EC2's side of a maintain fleet: launch what the target misses from pools that have capacity. */
    private void fulfil(long now) {
        long alive = sim.instances.stream().filter(i -> i.scaleInAt < 0).count();
        for (long missing = target - alive; missing > 0; missing--) {
            Pool best = null;
            int bestFree = 0;
            for (Pool p : sim.market.pools.keySet()) {
                int free = sim.market.free(p);
                if (free > bestFree) {
                    best = p;
                    bestFree = free;
                }
            }
            if (best == null) {
                return;
            }
            SimInstance i = sim.market.launch(best, Market.SPOT, now, executors, sim.boot.seconds());
            sim.instances.add(i);
        }
    }

    @Override
    public void onNotice(SpotMarketModel.Notice notice, long now) {
        // Not read: the agent is noticed only when it disappears.
    }

    @Override
    public Map<String, Long> apiCalls() {
        return calls;
    }
}
