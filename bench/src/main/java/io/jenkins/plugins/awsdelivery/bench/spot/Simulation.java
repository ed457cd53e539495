package io.jenkins.plugins.awsdelivery.bench.spot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One week of one workload under one provisioning policy, second by second: builds arrive and queue, Jenkins gives
 * each queued build to a connected agent that takes work, EC2 reclaims Spot instances as the market model says,
 * and the policy is asked every 10 seconds (Jenkins' provisioning cadence) what to launch and what to remove.
 */
final class Simulation {

    /** Interrupted builds are rerun this many times (Pipeline's {@code retry(count: 3, conditions: [agent()])}). */
    static final int MAX_ATTEMPTS = 4;
    /** Time after the week for the last builds to finish. */
    static final int DRAIN = 6 * 3600;

    /** Instance boot time, to the agent process running: 40 s plus a log-normal part around 45 s. */
    static final class Boot {
        private final Random random;

        Boot(long seed) {
            this.random = new Random(seed);
        }

        long seconds() {
            return 40 + (long) (45 * Math.exp(0.3 * random.nextGaussian()));
        }
    }

    /** A provisioning policy under test. */
    interface Policy {
        String name();

        /** Every 10 simulated seconds. */
        void tick(long now);

        /** EC2 sends an instance a rebalance recommendation or an interruption warning. */
        void onNotice(SpotMarketModel.Notice notice, long now);

        /** EC2 API calls by operation. */
        Map<String, Long> apiCalls();
    }

    /** What a week produced. */
    record Result(String workload, String policy, long builds, long p50Wait, long p95Wait, double cost,
                  double idleAgentHours, long buildsInterrupted, long reruns, long lost, double ec2CallsPerDay,
                  Map<String, Long> calls, long peakAgents, long spotInterruptions) {
    }

    final SimClock clock = new SimClock();
    final SpotMarketModel market;
    final Boot boot;
    final Deque<SimBuild> queue = new ArrayDeque<>();
    final List<SimInstance> instances = new ArrayList<>();
    private final Workload workload;
    private final List<Long> waits = new ArrayList<>();
    private double cost;
    private long idleSeconds;
    private long interruptedAttempts;
    private final java.util.Set<Integer> interruptedBuilds = new java.util.HashSet<>();
    private long lost;
    private long peak;

    Simulation(Workload workload, long seed) {
        this.workload = workload;
        this.market = new SpotMarketModel(workload.market(), seed);
        this.boot = new Boot(seed + 17);
    }

    Result run(Policy policy) {
        List<int[]> arrivals = workload.builds();
        List<SimBuild> builds = new ArrayList<>();
        int next = 0;
        long end = Workload.WEEK + DRAIN;
        for (long t = 0; t < end; t++) {
            clock.set(t);
            for (SpotMarketModel.Notice n : market.advance(t)) {
                if (n.instance().alive) {
                    policy.onNotice(n, t);
                }
            }
            for (SimInstance i : new ArrayList<>(instances)) {
                if (i.terminatesAt == t || i.scaleInAt == t) {
                    kill(i, t);
                }
            }
            while (next < arrivals.size() && arrivals.get(next)[0] <= t) {
                SimBuild b = new SimBuild(next, t, arrivals.get(next)[1]);
                builds.add(b);
                queue.add(b);
                next++;
            }
            final long now = t;
            for (SimInstance i : instances) {
                if (!i.running.isEmpty()) {
                    i.running.removeIf(b -> {
                        if (b.finishesAt() <= now) {
                            b.done = true;
                            b.on = null;
                            return true;
                        }
                        return false;
                    });
                    if (i.running.isEmpty()) {
                        i.idleSince = t;
                    }
                }
            }
            if (t % 10 == 0) {
                policy.tick(t);
            }
            assign(t);
            peak = Math.max(peak, instances.size());
            for (SimInstance i : instances) {
                cost += i.pricePerHour / 3600.0;
                if (i.connected(t) && i.running.isEmpty()) {
                    idleSeconds++;
                }
            }
        }
        for (SimBuild b : builds) {
            if (!b.done && !b.lost) {
                lost++;
            }
        }
        long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Long> calls = policy.apiCalls();
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        return new Result(workload.name(), policy.name(), builds.size(), percentile(sorted, 50),
                percentile(sorted, 95), cost, idleSeconds / 3600.0, interruptedBuilds.size(), interruptedAttempts,
                lost, total / 7.0, calls, peak, market.interruptedInstances);
    }

    /** Jenkins' queue: the oldest build goes to the first connected agent taking work with a free executor. */
    private void assign(long t) {
        if (queue.isEmpty()) {
            return;
        }
        for (SimInstance i : instances) {
            while (!queue.isEmpty() && i.alive && i.connected(t) && i.acceptingWork && i.free() > 0) {
                SimBuild b = queue.poll();
                b.startedAt = t;
                b.on = i;
                b.attempts++;
                waits.add(t - b.queuedAt);
                i.running.add(b);
            }
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    /** The agent process connects at {@code at} (the policy decides when, from boot and connection method). */
    void connectAt(SimInstance i, long at) {
        i.connectedAt = Math.max(at, i.bootedAt);
    }

    /** Interrupts one build now: it is rerun from the start unless it ran out of attempts. */
    void interrupt(SimBuild b, long now) {
        interruptedAttempts++;
        interruptedBuilds.add(b.id);
        b.on = null;
        if (b.attempts >= MAX_ATTEMPTS) {
            b.lost = true;
            lost++;
            return;
        }
        b.queuedAt = now;
        b.startedAt = -1;
        queue.addFirst(b);
    }

    /** The instance is gone: builds on it are interrupted. */
    void kill(SimInstance i, long now) {
        if (!i.alive) {
            return;
        }
        for (SimBuild b : new ArrayList<>(i.running)) {
            interrupt(b, now);
        }
        i.running.clear();
        market.release(i);
        instances.remove(i);
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String format(long seconds) {
        return seconds < 60 ? seconds + " s" : String.format("%d min %02d s", seconds / 60, seconds % 60);
    }
}
