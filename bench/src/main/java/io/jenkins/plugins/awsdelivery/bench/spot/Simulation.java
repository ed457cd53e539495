package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

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

    /**
     * Instance boot time, to the agent process running: 40 s plus a log-normal part around 45 s, the same for every
     * instance type unless {@code -Dspot.slowBoot=m5a.large=60,r5.large=60} adds seconds to some types (the
     * question of issue 17: does the planner leave out pools that boot slower?). The extra seconds draw nothing from
     * the random stream, so every other launch boots as it would without them.
     */
    static final class Boot {
        private final Random random;
        private final Map<String, Long> extraByType;

        Boot(long seed) {
            this(seed, parseExtra(System.getProperty("spot.slowBoot", "")));
        }

        Boot(long seed, Map<String, Long> extraByType) {
            this.random = new Random(seed);
            this.extraByType = Map.copyOf(extraByType);
        }

        long seconds(String instanceType) {
            return 40 + (long) (45 * Math.exp(0.3 * random.nextGaussian())) + extraByType.getOrDefault(instanceType,
                    0L);
        }

        boolean uneven() {
            return !extraByType.isEmpty();
        }

        static Map<String, Long> parseExtra(String spec) {
            Map<String, Long> out = new java.util.TreeMap<>();
            for (String part : spec.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                String[] kv = part.trim().split("=");
                if (kv.length != 2) {
                    throw new IllegalArgumentException("-Dspot.slowBoot: expected type=seconds, got '" + part + "'");
                }
                out.put(kv[0].trim(), Long.parseLong(kv[1].trim()));
            }
            return out;
        }

        @Override
        public String toString() {
            return extraByType.isEmpty() ? "every type boots alike" : "slower to boot: " + extraByType;
        }
    }

    /** A provisioning policy under test. */
    interface Policy {
        String name();

        /** Every 10 simulated seconds. */
        void tick(long now);

        /** Builds entered the queue this second (new, or rerun after an interruption); after the 10-second tick. */
        default void onQueued(long now) {
        }

        /** EC2 sends an instance a rebalance recommendation or an interruption warning. */
        void onNotice(SpotMarketModel.Notice notice, long now);

        /** EC2 API calls by operation. */
        Map<String, Long> apiCalls();
    }

    /** What a week produced. */
    record Result(String workload, String policy, long builds, long p50Wait, long p95Wait, double cost,
                  double idleAgentHours, long buildsInterrupted, long reruns, long lost, double apiCallsPerDay,
                  Map<String, Long> calls, long peakAgents, long spotInterruptions, double agentHours,
                  long launches, double onDemandHours, long[] sortedWaits) {

        /** Several weeks of one workload under one policy as one result: waits pooled, the rest per week. */
        static Result mean(List<Result> weeks) {
            Result first = weeks.get(0);
            int n = weeks.size();
            long[] waits = weeks.stream().flatMapToLong(r -> Arrays.stream(r.sortedWaits())).sorted()
                    .toArray();
            Map<String, Long> calls = new TreeMap<>();
            weeks.forEach(r -> r.calls().forEach((k, v) -> calls.merge(k, v, Long::sum)));
            calls.replaceAll((k, v) -> Math.round(v / (double) n));
            return new Result(first.workload(), first.policy(), Math.round(sum(weeks, Result::builds) / n),
                    percentile(waits, 50), percentile(waits, 95), sum(weeks, Result::cost) / n,
                    sum(weeks, Result::idleAgentHours) / n, Math.round(sum(weeks, Result::buildsInterrupted) / n),
                    Math.round(sum(weeks, Result::reruns) / n), Math.round(sum(weeks, Result::lost)),
                    sum(weeks, Result::apiCallsPerDay) / n, calls,
                    weeks.stream().mapToLong(Result::peakAgents).max().orElse(0),
                    Math.round(sum(weeks, Result::spotInterruptions) / n), sum(weeks, Result::agentHours) / n,
                    Math.round(sum(weeks, Result::launches) / n), sum(weeks, Result::onDemandHours) / n, waits);
        }

        private static double sum(List<Result> weeks, ToDoubleFunction<Result> f) {
            return weeks.stream().mapToDouble(f).sum();
        }

        /** Average price paid per instance-hour. */
        double pricePerAgentHour() {
            return agentHours == 0 ? 0 : cost / agentHours;
        }
    }

    final SimClock clock = new SimClock();
    final SpotMarketModel market;
    final Boot boot;
    final Deque<SimBuild> queue = new ArrayDeque<>();
    final List<SimInstance> instances = new ArrayList<>();
    private final Workload workload;
    /** Durations of each job's last completed builds, newest first. */
    private final Map<Integer, Deque<Integer>> history = new HashMap<>();
    private final List<Long> waits = new ArrayList<>();
    private double cost;
    private long idleSeconds;
    private long interruptedAttempts;
    private final Set<Integer> interruptedBuilds = new HashSet<>();
    private long lost;
    private long peak;
    private long instanceSeconds;
    private long onDemandSeconds;
    /** Set when a build enters the queue; the policy hears of it once per second. */
    private boolean queuedNow;
    /** New builds that entered the queue so far (not reruns): what a controller's arrival history counts. */
    private long arrived;
    /**
     * Builds an agent may accept before it stops taking work (the template's maxTotalUses); 0 for unlimited. The
     * cloud, not the policy, enforces it, as both plugins do in their {@code taskAccepted}: the agent that accepts
     * its last build stops accepting at once, so it never takes a second one in the same queue round.
     */
    final int maxTotalUses;

    Simulation(Workload workload, long seed) {
        this(workload, seed, 0);
    }

    Simulation(Workload workload, long seed, int maxTotalUses) {
        this.workload = workload;
        this.market = new SpotMarketModel(workload.market(), seed);
        this.boot = new Boot(seed + 17);
        this.maxTotalUses = maxTotalUses;
    }

    /** -Dspot.debugWaits=true prints, per policy-week, the builds that waited over 30 s by hour of the day. */
    private static final boolean DEBUG_WAITS = Boolean.getBoolean("spot.debugWaits");
    private final long[] waitedByHour = new long[24];
    /** What the instances cost in each hour of the run. */
    private final double[] costByHour = new double[(Workload.WEEK + DRAIN) / 3600 + 1];

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
                int[] a = arrivals.get(next);
                SimBuild b = new SimBuild(next, t, a[1], a[2]);
                builds.add(b);
                queue.add(b);
                queuedNow = true;
                arrived++;
                next++;
            }
            final long now = t;
            for (SimInstance i : instances) {
                if (!i.running.isEmpty()) {
                    i.running.removeIf(b -> {
                        if (b.finishesAt() <= now) {
                            b.done = true;
                            b.on = null;
                            completed(b);
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
            if (queuedNow) {
                queuedNow = false;
                policy.onQueued(t);
            }
            assign(t);
            peak = Math.max(peak, instances.size());
            for (SimInstance i : instances) {
                cost += i.pricePerHour / 3600.0;
                costByHour[(int) (t / 3600)] += i.pricePerHour / 3600.0;
                instanceSeconds++;
                if (i.market == Market.ON_DEMAND) {
                    onDemandSeconds++;
                }
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
        if (DEBUG_WAITS) {
            System.out.println(policy.name() + " builds waiting over 30 s by hour of queueing: "
                    + Arrays.toString(waitedByHour));
        }
        long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Long> calls = policy.apiCalls();
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        return new Result(workload.name(), policy.name(), builds.size(), percentile(sorted, 50),
                percentile(sorted, 95), cost, idleSeconds / 3600.0, interruptedBuilds.size(), interruptedAttempts,
                lost, total / ((Workload.WEEK + DRAIN) / 86_400.0), calls, peak, market.interruptedInstances, instanceSeconds / 3600.0,
                market.launches(), onDemandSeconds / 3600.0, sorted);
    }

    /** Adds a cost that is not an instance-second of a running instance (a stopped instance's EBS volume). */
    void charge(double usd, long now) {
        cost += usd;
        costByHour[(int) (now / 3600)] += usd;
    }

    /** What the instances cost in each hour of the run (USD). */
    double[] costByHour() {
        return costByHour.clone();
    }

    long arrived() {
        return arrived;
    }

    /** True when the agent has accepted as many builds as maxTotalUses allows (never with unlimited uses). */
    boolean usedUp(SimInstance i) {
        return maxTotalUses > 0 && i.buildsAccepted >= maxTotalUses;
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
                b.estimate = estimate(b.job);
                b.on = i;
                b.attempts++;
                waits.add(t - b.queuedAt);
                if (DEBUG_WAITS && t - b.queuedAt > 30) {
                    waitedByHour[(int) ((b.queuedAt % 86_400) / 3600)]++;
                }
                i.running.add(b);
                i.buildsAccepted++;
                if (usedUp(i)) {
                    i.acceptingWork = false;
                }
            }
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    /** Jenkins' {@code Job#getEstimatedDuration}: the average duration of the job's last 3 builds, or -1. */
    private long estimate(int job) {
        Deque<Integer> last = history.get(job);
        if (last == null || last.isEmpty()) {
            return -1;
        }
        return Math.round(last.stream().mapToInt(Integer::intValue).average().orElse(-1));
    }

    private void completed(SimBuild b) {
        Deque<Integer> last = history.computeIfAbsent(b.job, j -> new ArrayDeque<>());
        last.addFirst(b.duration);
        if (last.size() > 3) {
            last.removeLast();
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
        queuedNow = true;
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

    static long percentile(long[] sorted, int p) {
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
