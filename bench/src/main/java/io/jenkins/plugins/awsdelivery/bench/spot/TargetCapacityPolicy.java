package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A model of the target-capacity approach as the documented setup runs it: the EC2 Fleet plugin over one Auto
 * Scaling group (the same 18 pools, capacity-optimized, no on-demand fallback), whose desired capacity the plugin
 * raises to cover the queue and lowers when it removes an idle agent.
 *
 * <ul>
 *   <li>Every 10 s the plugin reads the group (DescribeAutoScalingGroups, and DescribeInstances when it has
 *       instances). It raises the desired capacity (UpdateAutoScalingGroup) when Jenkins' provisioning strategy
 *       asks for capacity: by default Jenkins' own {@code NodeProvisioner.StandardStrategyImpl}, as in the
 *       documented setup, which does not turn the plugin's No Delay Provision option on (off by default);
 *       {@link Variant#NO_DELAY} turns it on.</li>
 *   <li>The group launches what the desired capacity misses at once (by the next 10-second step) from pools with
 *       free capacity, and tries again at every step while none has any.</li>
 *   <li>A new instance becomes a Jenkins node at the plugin's first poll after its launch (it has an address
 *       while still pending); the SSH launcher retries until the instance has booted and connects 5 to 25 s
 *       later.</li>
 *   <li>An agent idle for the idle timeout is taken offline at once (no new builds) and terminated at the next
 *       poll (SetInstanceProtection, TerminateInstanceInAutoScalingGroup, UpdateAutoScalingGroup).</li>
 *   <li>Interruption notices are not read: an agent is seen only when it disappears, its builds are rerun from the
 *       start, and the group replaces the capacity at once.</li>
 *   <li>With a maximum number of uses per agent (the plugin's Maximum Total Uses, {@link Simulation#maxTotalUses}):
 *       the agent that accepts its last build stops accepting tasks ({@code EC2RetentionStrategy#taskAccepted});
 *       when that build completes the plugin schedules the instance for termination even below the minimum size
 *       ({@code taskCompleted}, {@code scheduleToTerminate(id, true, MAX_TOTAL_USES_EXHAUSTED)}), and its next
 *       update cycle, every 10 s, removes the node, lowers the desired capacity by one in the same
 *       UpdateAutoScalingGroup that adds what provisioning asked for, and terminates the instance
 *       (TerminateInstanceInAutoScalingGroup without decrementing, one call per instance). A replacement is
 *       launched only when Jenkins' provisioning strategy asks for one.</li>
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
    /** Idle agents kept beyond the queue (ec2-fleet's minimum spare size); 0 for none. */
    private final int spare;
    /** Jenkins' load statistics (exponential moving averages, updated every 10 s with decay 0.9). */
    private float queueEma;
    private float availableEma;
    private float plannedEma;
    private float connectingEma;
    /** The update cycle this tick already set the desired capacity (one UpdateAutoScalingGroup covers both). */
    private boolean modified;

    /** Which version of the approach. */
    enum Variant {
        /** The documented setup: Jenkins' default provisioning strategy decides when to raise the target. */
        JENKINS_DEFAULT("target-capacity model", false),
        /** The plugin's No Delay Provision option on: the target follows the queue at once. */
        NO_DELAY("target-capacity, No Delay Provision on", false),
        /** As NO_DELAY, but an agent is ready 2 to 5 minutes after launch, the documented setup's own figure. */
        DOCUMENTED_LATENCY("target-capacity, No Delay, agents ready 2-5 min", false),
        /** The documented setup with the group's Spot allocation set to price-capacity-optimized. */
        PRICE_CAPACITY("target-capacity, price-capacity-optimized", true);

        final String label;
        final boolean priceAware;

        Variant(String label, boolean priceAware) {
            this.label = label;
            this.priceAware = priceAware;
        }
    }

    TargetCapacityPolicy(Simulation sim, int max, int executors, long idleTimeoutSeconds, long seed,
                         Variant variant) {
        this(sim, max, executors, idleTimeoutSeconds, seed, variant, 0);
    }

    /**
     * With {@code spare} more than 0 (No Delay variants only), the target also covers that many idle agents beyond
     * the running and queued builds, and an idle agent is scaled in only while more than {@code spare} are idle: the
     * EC2 Fleet plugin's minimum spare size.
     */
    TargetCapacityPolicy(Simulation sim, int max, int executors, long idleTimeoutSeconds, long seed,
                         Variant variant, int spare) {
        this.spare = spare;
        this.sim = sim;
        this.variant = variant;
        this.max = max;
        this.executors = executors;
        this.idleTimeout = idleTimeoutSeconds;
        this.random = new Random(seed);
    }

    private void count(String op) {
        calls.merge(op, 1L, Long::sum);
    }

    @Override
    public String name() {
        return spare > 0 ? variant.label + ", " + spare + " spare" : variant.label;
    }

    @Override
    public void tick(long now) {
        count("AutoScaling.DescribeAutoScalingGroups");
        if (!sim.instances.isEmpty()) {
            count("Ec2.DescribeInstances");
        }
        modified = false;
        terminateUsedUp(now);
        int busy = 0;
        for (SimInstance i : sim.instances) {
            busy += i.running.size();
            if (i.connectedAt < 0 && variant == Variant.DOCUMENTED_LATENCY) {
                // "it takes roughly two to five minutes for new EC2 Spot Instances to start processing"
                sim.connectAt(i, i.launchedAt + 120 + random.nextInt(181));
            } else if (i.connectedAt < 0) {
                // A node from this poll on; SSH connects once the instance has booted.
                sim.connectAt(i, Math.max(now, i.bootedAt) + 5 + random.nextInt(21));
            }
        }
        if (variant == Variant.NO_DELAY || variant == Variant.DOCUMENTED_LATENCY) {
            int needed = (int) Math.ceil((busy + sim.queue.size()) / (double) executors) + spare;
            if (needed > target && target < max) {
                target = Math.min(max, needed);
                modify();
            }
        } else {
            standardStrategy(now, busy);
        }
        if (sim.queue.isEmpty()) {
            int idle = 0;
            for (SimInstance i : sim.instances) {
                if (i.scaleInAt < 0 && i.connected(now) && i.running.isEmpty()) {
                    idle++;
                }
            }
            for (SimInstance i : sim.instances) {
                if (i.scaleInAt < 0 && i.connected(now) && i.running.isEmpty() && now - i.idleSince >= idleTimeout
                        && now - i.connectedAt >= idleTimeout && idle-- > spare) {
                    // The retention strategy takes the agent offline, then the next poll terminates it.
                    i.acceptingWork = false;
                    i.scaleInAt = now + 10;
                    target = Math.max(0, target - 1);
                    count("AutoScaling.UpdateAutoScalingGroup");
                    count("AutoScaling.SetInstanceProtection");
                    count("AutoScaling.TerminateInstanceInAutoScalingGroup");
                }
            }
        }
        fulfil(now);
    }

    /** One UpdateAutoScalingGroup per update cycle, whether it raises or lowers the desired capacity. */
    private void modify() {
        if (!modified) {
            count("AutoScaling.UpdateAutoScalingGroup");
            modified = true;
        }
    }

    /**
     * Maximum Total Uses: agents whose last allowed build has completed were scheduled for termination at its end;
     * this update cycle removes them, lowers the desired capacity by as many and terminates each instance.
     */
    private void terminateUsedUp(long now) {
        if (sim.maxTotalUses <= 0) {
            return;
        }
        int terminated = 0;
        for (SimInstance i : new ArrayList<>(sim.instances)) {
            if (i.scaleInAt < 0 && sim.usedUp(i) && i.running.isEmpty()) {
                sim.kill(i, now);
                terminated++;
                count("AutoScaling.TerminateInstanceInAutoScalingGroup");
            }
        }
        if (terminated > 0) {
            target = Math.max(0, target - terminated);
            modify();
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
                modify();
            }
        }
    }

    /** The group's side: launch what the desired capacity misses from pools that have capacity. */
    private void fulfil(long now) {
        long alive = sim.instances.stream().filter(i -> i.scaleInAt < 0).count();
        List<Pool> pools = new ArrayList<>(sim.market.pools.keySet());
        for (long missing = target - alive; missing > 0; missing--) {
            Pool pick = sim.market.pick(pools, variant.priceAware);
            if (pick == null) {
                return;
            }
            sim.instances.add(sim.market.launch(pick, Market.SPOT, now, executors, sim.boot.seconds(pick.instanceType())));
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
