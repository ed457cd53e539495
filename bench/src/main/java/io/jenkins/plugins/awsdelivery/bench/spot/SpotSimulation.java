package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecast;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.spot.WarmCapacityBudget;
import io.jenkins.plugins.awsdelivery.core.spot.WarmLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays a week of builds for each named workload against the provisioning policies and prints Markdown tables:
 * this project's Spot engine; the target-capacity model as the documented setup runs it (Jenkins' default
 * provisioning strategy) and with the plugin's No Delay Provision option; on-demand only (the engine with every
 * agent on demand); and the instant-capacity lower bound. Every policy sees the same builds, the same pools and the
 * same market events.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.spot.SpotSimulation [seed [weeks]]
 * java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.spot.SpotSimulation --single-use
 *     [--workloads=steady,bursty] [--policies=engine,target,target-pco,no-delay,documented,bound] [seed [weeks]]
 * </pre>
 *
 * <p>{@code --single-use} runs only the single-use scenario (maxTotalUses 1, one executor per agent) for the
 * workloads named (default steady and bursty), against this engine and the target-capacity model with the same
 * setting: a few minutes instead of the full run's quarter of an hour.
 */
public final class SpotSimulation {

    static final int EXECUTORS = 2;
    /** Independent weeks simulated by default: one week's cost is too noisy to compare policies on. */
    static final int WEEKS = 4;
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    static final String ENGINE = "this engine";
    static final String BASELINE = "target-capacity model";
    static final String ENGINE_NO_ESTIMATES = "this engine, without Jenkins' estimates";
    static final String NO_DELAY = "target-capacity, No Delay Provision on";
    static final String DOCUMENTED = "target-capacity, No Delay, agents ready 2-5 min";
    static final String PRICE_CAPACITY = "target-capacity, price-capacity-optimized";
    static final String BOUND = "instant capacity (lower bound)";
    /** Fixed spare pools compared with warm capacity (issue 17): ec2-fleet's minimum spare size. */
    static final List<Integer> SPARES = List.of(1, 2, 4);
    /** Warm capacity budgets, percent over the engine's cost without it (0 % is the engine itself). */
    static final List<Integer> BUDGETS = List.of(5, 10, 25);
    /** Earlier weeks the warm capacity's forecast has learnt from before the simulated week. */
    static final int HISTORY_WEEKS = 3;
    private static final List<String> POLICIES = List.of("engine", "engine-no-estimates", "target", "target-pco",
            "no-delay", "documented", "on-demand", "bound", "no-delay-spare-1", "no-delay-spare-2",
            "no-delay-spare-4", "engine-spare-1", "engine-spare-2", "engine-spare-4", "engine-warm-5",
            "engine-warm-10", "engine-warm-25");
    /** Single-use agents: one executor, one build each. */
    static final int SINGLE_USE_EXECUTORS = 1;
    static final int SINGLE_USE_USES = 1;
    static final List<String> SINGLE_USE_WORKLOADS = List.of("steady", "bursty");
    private static final List<String> SINGLE_USE_POLICIES = List.of("engine", "target", "target-pco", "no-delay",
            "documented", "bound");
    /** The workload whose maximum is too small for its peak: only what shows that. */
    private static final List<String> OVER_MAX_POLICIES = List.of("engine", "target", "bound");

    private SpotSimulation() {}

    static SpotFleetConfig config(int maxAgents, int onDemandBase) {
        return SpotFleetConfig.builder("linux-spot", "jenkins-sim")
                .launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes(SpotMarketModel.TYPES.toArray(String[]::new))
                .subnetIds(SpotMarketModel.SUBNETS)
                .capacity(0, maxAgents, onDemandBase)
                .executorsPerAgent(EXECUTORS)
                .idleTimeout(IDLE_TIMEOUT)
                .labels(Set.of("linux"))
                .build();
    }

    /** The cloud of the single-use scenario: one template of one-executor agents with maxTotalUses 1. */
    static SpotFleetConfig singleUseConfig(int maxAgents) {
        return SpotFleetConfig.builder("linux-spot", "jenkins-sim")
                .launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes(SpotMarketModel.TYPES.toArray(String[]::new))
                .subnetIds(SpotMarketModel.SUBNETS)
                .capacity(0, maxAgents, 0)
                .executorsPerAgent(SINGLE_USE_EXECUTORS)
                .idleTimeout(IDLE_TIMEOUT)
                .labels(Set.of("linux"))
                .maxTotalUses(SINGLE_USE_USES)
                .build();
    }

    static Simulation.Result run(Workload w, String policy, long seed) {
        Simulation sim = new Simulation(w, seed);
        int max = w.maxAgents();
        long idle = IDLE_TIMEOUT.toSeconds();
        if (policy.startsWith(STOPPED_PREFIX)) {
            return sim.run(stoppedPool(policy, sim, max, seed));
        }
        Simulation.Policy p = switch (policy) {
            case "engine" -> new EnginePolicy(ENGINE, sim, config(max, 0), seed);
            case "engine-no-estimates" -> new EnginePolicy(ENGINE_NO_ESTIMATES, sim, config(max, 0), seed, false);
            case "target" -> new TargetCapacityPolicy(sim, max, EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.JENKINS_DEFAULT);
            case "target-pco" -> new TargetCapacityPolicy(sim, max, EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.PRICE_CAPACITY);
            case "no-delay" -> new TargetCapacityPolicy(sim, max, EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.NO_DELAY);
            case "documented" -> new TargetCapacityPolicy(sim, max, EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.DOCUMENTED_LATENCY);
            case "bound" -> new InstantCapacityBound(sim, max, EXECUTORS, idle);
            case "no-delay-spare-1", "no-delay-spare-2", "no-delay-spare-4" -> new TargetCapacityPolicy(sim, max,
                    EXECUTORS, idle, seed, TargetCapacityPolicy.Variant.NO_DELAY, suffix(policy));
            case "engine-spare-1", "engine-spare-2", "engine-spare-4" -> new EnginePolicy(engineSpare(suffix(policy)),
                    sim, config(max, 0), seed, true, SpareCapacity.fixed(suffix(policy), EXECUTORS));
            case "engine-warm-5", "engine-warm-10", "engine-warm-15", "engine-warm-25", "engine-warm-50",
                    "engine-warm-100" -> {
                List<Workload> history = new ArrayList<>();
                for (int k = HISTORY_WEEKS; k >= 1; k--) {
                    history.add(Workload.named(w.name(), seed - 1000L * k));
                }
                // The engine's own warm capacity, as shipped: the budget in the cloud's configuration, the
                // history as a restarted controller would have it.
                yield new EnginePolicy(engineWarm(suffix(policy)), sim, SpotFleetConfig.builder("linux-spot",
                        "jenkins-sim").launchTemplateId("lt-0123456789abcdef0")
                        .instanceTypes(SpotMarketModel.TYPES.toArray(String[]::new))
                        .subnetIds(SpotMarketModel.SUBNETS).capacity(0, max, 0).executorsPerAgent(EXECUTORS)
                        .idleTimeout(IDLE_TIMEOUT).labels(Set.of("linux"))
                        .warmCapacity(WarmCapacityBudget.percent(suffix(policy))).build(), seed, true,
                        SpareCapacity.NONE, trainedOn(history).snapshot(), previousWeekLedger(w, seed));
            }
            default -> new EnginePolicy("on-demand only", sim, config(max, max), seed);
        };
        return sim.run(p);
    }

    /**
     * One week of a single-use workload ({@link Workload#singleUse}) under one policy: agents of one executor that
     * accept one build each (the simulation enforces it at acceptance, as both plugins do), the same idle timeout.
     */
    static Simulation.Result runSingleUse(Workload w, String policy, long seed) {
        Simulation sim = new Simulation(w, seed, SINGLE_USE_USES);
        int max = w.maxAgents();
        long idle = IDLE_TIMEOUT.toSeconds();
        Simulation.Policy p = switch (policy) {
            case "engine" -> new EnginePolicy(ENGINE, sim, singleUseConfig(max), seed);
            case "target" -> new TargetCapacityPolicy(sim, max, SINGLE_USE_EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.JENKINS_DEFAULT);
            case "target-pco" -> new TargetCapacityPolicy(sim, max, SINGLE_USE_EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.PRICE_CAPACITY);
            case "no-delay" -> new TargetCapacityPolicy(sim, max, SINGLE_USE_EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.NO_DELAY);
            case "documented" -> new TargetCapacityPolicy(sim, max, SINGLE_USE_EXECUTORS, idle, seed,
                    TargetCapacityPolicy.Variant.DOCUMENTED_LATENCY);
            case "bound" -> new InstantCapacityBound(sim, max, SINGLE_USE_EXECUTORS, idle);
            default -> throw new IllegalArgumentException("No single-use policy " + policy);
        };
        return sim.run(p);
    }

    private static final Map<String, String> LEDGERS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Warm capacity's cost ledger as a controller that ran the week before (the same workload, seed - 1000, this
     * engine without warm capacity) saved it: a week of hourly base cost, so that the percentage budget does not
     * start the week from nothing. Computed once per workload and week.
     */
    static String previousWeekLedger(Workload w, long seed) {
        return LEDGERS.computeIfAbsent(w.name() + "/" + seed, k -> {
            Workload before = Workload.named(w.name(), seed - 1000);
            Simulation sim = new Simulation(before, seed - 1000);
            sim.run(new EnginePolicy(ENGINE, sim, config(before.maxAgents(), 0), seed - 1000));
            double[] hourly = sim.costByHour();
            WarmLedger ledger = new WarmLedger();
            java.time.Instant weekBefore = SimClock.EPOCH.minusSeconds(Workload.WEEK);
            for (int h = 0; h < 168; h++) {
                ledger.add(weekBefore.plusSeconds(h * 3600L + 3599), hourly[h], 0);
            }
            return ledger.snapshot();
        });
    }

    /** A forecast that has seen {@code history}'s builds, each one earlier week, oldest first, minute by minute. */
    static ArrivalForecast trainedOn(List<Workload> history) {
        ArrivalForecast f = new ArrivalForecast();
        int weeks = history.size();
        for (int k = 0; k < weeks; k++) {
            long offset = -(long) (weeks - k) * Workload.WEEK;
            List<int[]> builds = history.get(k).builds();
            int next = 0;
            for (long minute = 0; minute < Workload.WEEK; minute += 60) {
                int count = 0;
                while (next < builds.size() && builds.get(next)[0] < minute + 60) {
                    count++;
                    next++;
                }
                f.observe("linux", SimClock.EPOCH.plusSeconds(offset + minute), count);
            }
        }
        f.advance(SimClock.EPOCH);
        return f;
    }

    /** Each run's weekly results, in the order the runs were submitted. */
    private static Map<String, List<Simulation.Result>> weekly(Map<String, List<Future<Simulation.Result>>> futures)
            throws Exception {
        Map<String, List<Simulation.Result>> perWeek = new LinkedHashMap<>();
        for (Map.Entry<String, List<Future<Simulation.Result>>> e : futures.entrySet()) {
            List<Simulation.Result> runs = new ArrayList<>();
            for (Future<Simulation.Result> f : e.getValue()) {
                runs.add(f.get());
            }
            perWeek.put(e.getKey(), runs);
        }
        return perWeek;
    }

    static final String STOPPED_PREFIX = "engine-stopped-";

    /**
     * {@code engine-stopped-<N>-<S>[-instead][-stop<T>]}: the engine beside a pool of N stopped on-demand instances
     * that connect S seconds after StartInstances and are stopped once idle for T seconds (default 0: at the first
     * 10-second step that finds them idle); the engine is asked for the whole queue as without the pool, unless
     * {@code -instead}, which leaves out what the pool covers ({@link StoppedPoolPolicy}). Selected by name with
     * {@code -Dspot.policies}; not in the default run.
     */
    static StoppedPoolPolicy stoppedPool(String policy, Simulation sim, int max, long seed) {
        String[] parts = policy.substring(STOPPED_PREFIX.length()).split("-");
        int size = Integer.parseInt(parts[0]);
        long start = Long.parseLong(parts[1]);
        long stopAfter = 0;
        boolean bridge = true;
        for (int k = 2; k < parts.length; k++) {
            if (parts[k].equals("instead")) {
                bridge = false;
            } else if (parts[k].startsWith("stop")) {
                stopAfter = Long.parseLong(parts[k].substring("stop".length()));
            } else {
                throw new IllegalArgumentException("Unknown part " + parts[k] + " of " + policy);
            }
        }
        String name = ENGINE + ", " + size + " stopped on-demand, start " + start + " s"
                + (stopAfter == 0 ? "" : ", stop after " + stopAfter + " s idle")
                + (bridge ? "" : ", instead of Spot");
        return new StoppedPoolPolicy(name, sim, config(max, 0), seed, size, start, stopAfter, bridge);
    }

    private static int suffix(String policy) {
        return Integer.parseInt(policy.substring(policy.lastIndexOf('-') + 1));
    }

    static String engineSpare(int agents) {
        return ENGINE + ", " + agents + " spare";
    }

    static String noDelaySpare(int agents) {
        return NO_DELAY + ", " + agents + " spare";
    }

    static String engineWarm(int percent) {
        return ENGINE + ", warm capacity " + percent + " %";
    }

    public static void main(String[] argv) throws Exception {
        boolean singleUse = false;
        List<String> workloads = SINGLE_USE_WORKLOADS;
        List<String> policies = SINGLE_USE_POLICIES;
        List<String> args = new ArrayList<>();
        for (String a : argv) {
            if (a.equals("--single-use")) {
                singleUse = true;
            } else if (a.startsWith("--workloads=")) {
                workloads = List.of(a.substring("--workloads=".length()).split(","));
            } else if (a.startsWith("--policies=")) {
                policies = List.of(a.substring("--policies=".length()).split(","));
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("Unknown option " + a
                        + " (options: --single-use, --workloads=steady,bursty, --policies=" + String.join(",",
                        SINGLE_USE_POLICIES) + ")");
            } else {
                args.add(a);
            }
        }
        long seed = args.size() > 0 ? Long.parseLong(args.get(0)) : 20261201L;
        int weeks = args.size() > 1 ? Integer.parseInt(args.get(1)) : WEEKS;
        if (singleUse) {
            singleUse(seed, weeks, workloads, policies);
            return;
        }
        if (workloads != SINGLE_USE_WORKLOADS || policies != SINGLE_USE_POLICIES) {
            throw new IllegalArgumentException("--workloads= and --policies= select within --single-use only");
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        // Week k is generated from seed + 1000 k: its own builds, pools and market events.
        List<List<Workload>> byWeek = new ArrayList<>();
        for (int k = 0; k < weeks; k++) {
            List<Workload> ws = new ArrayList<>(Workload.all(seed + 1000L * k));
            ws.add(Workload.nightlySpikeOverMax(seed + 1000L * k));
            byWeek.add(ws);
        }
        List<Workload> firstWeek = byWeek.get(0);
        // For a quick look while developing: -Dspot.policies=engine,engine-warm-10 -Dspot.workloads=steady prints
        // the main table of those only (no checks).
        String onlyPolicies = System.getProperty("spot.policies");
        String onlyWorkloads = System.getProperty("spot.workloads");
        boolean partial = onlyPolicies != null || onlyWorkloads != null;
        Map<String, List<Future<Simulation.Result>>> futures = new LinkedHashMap<>();
        for (int w = 0; w < firstWeek.size(); w++) {
            boolean overMax = w == firstWeek.size() - 1;
            if (onlyWorkloads != null && !List.of(onlyWorkloads.split(",")).contains(firstWeek.get(w).name())) {
                continue;
            }
            // Named policies beyond the main table (engine-warm-15, -50, -100) may be asked for by name.
            List<String> named = onlyPolicies == null ? POLICIES : List.of(onlyPolicies.split(","));
            for (String policy : overMax ? OVER_MAX_POLICIES : named) {
                if (onlyPolicies != null && !List.of(onlyPolicies.split(",")).contains(policy)) {
                    continue;
                }
                List<Future<Simulation.Result>> runs = new ArrayList<>();
                for (int k = 0; k < weeks; k++) {
                    Workload workload = byWeek.get(k).get(w);
                    long weekSeed = seed + 1000L * k;
                    runs.add(pool.submit(() -> run(workload, policy, weekSeed)));
                }
                futures.put(firstWeek.get(w).name() + "/" + policy, runs);
            }
        }
        Map<String, List<Simulation.Result>> perWeek = weekly(futures);
        List<Simulation.Result> results = perWeek.values().stream().map(Simulation.Result::mean).toList();
        pool.shutdown();

        System.out.println("Seed " + seed + ", " + weeks + " weeks; agents of " + EXECUTORS
                + " executors, idle timeout " + IDLE_TIMEOUT.toMinutes() + " min; 6 instance types x 3 subnets = 18 pools.");
        Simulation.Boot bootModel = new Simulation.Boot(0);
        if (bootModel.uneven()) {
            System.out.println("Boot: " + bootModel + " (-Dspot.slowBoot).");
        }
        System.out.println();
        System.out.println("Queue waits are pooled over the " + weeks + " weeks; builds lost are the total; the other "
                + "figures are means per week.");
        System.out.println();
        System.out.println("| Workload (max agents) | Policy | Builds/week | p50 queue wait | p95 queue wait | "
                + "Cost (USD/week) | Idle agent-hours | Builds interrupted | Reruns | Builds lost "
                + "| AWS API calls/day |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Simulation.Result r : results) {
            System.out.println(String.format(Locale.ROOT,
                    "| %s (%d) | %s | %d | %s | %s | %.2f | %.1f | %d | %d | %d | %.0f |", r.workload(),
                    maxAgents(firstWeek, r.workload()), r.policy(), r.builds(), Simulation.format(r.p50Wait()),
                    Simulation.format(r.p95Wait()), r.cost(), r.idleAgentHours(), r.buildsInterrupted(),
                    r.reruns(), r.lost(), r.apiCallsPerDay()));
            if (Boolean.getBoolean("spot.debugWaitShares")) {
                long[] w = r.sortedWaits();
                System.out.println(String.format(Locale.ROOT, "   waits>0 %.3f >30 %.3f >50 %.3f >85 %.3f n=%d",
                        java.util.Arrays.stream(w).filter(x -> x > 0).count() / (double) w.length,
                        java.util.Arrays.stream(w).filter(x -> x > 30).count() / (double) w.length,
                        java.util.Arrays.stream(w).filter(x -> x > 50).count() / (double) w.length,
                        java.util.Arrays.stream(w).filter(x -> x > 85).count() / (double) w.length, w.length));
            }
        }
        if (partial) {
            System.out.println(String.format(Locale.ROOT, "Simulated %d policy-weeks in %.1f s (partial run).",
                    results.size() * weeks, (System.nanoTime() - started) / 1e9));
            return;
        }
        System.out.println();
        System.out.println("API calls by operation (mean per week), instances and prices:");
        for (Simulation.Result r : results) {
            if (!r.calls().isEmpty()) {
                System.out.println(String.format(Locale.ROOT, "- %s, %s: %s; %d instances launched, peak %d, "
                        + "%.0f instance-hours (%.0f on demand) at %.4f USD/hour on average; Spot instances "
                        + "reclaimed by EC2 %d", r.workload(), r.policy(), r.calls(), r.launches(), r.peakAgents(),
                        r.agentHours(), r.onDemandHours(), r.pricePerAgentHour(), r.spotInterruptions()));
            }
        }
        System.out.println();
        List<Workload> judged = firstWeek.subList(0, Workload.all(seed).size());
        System.out.println("Criteria (engine vs the target-capacity model, same workload, " + weeks + " weeks):");
        boolean met = true;
        for (Workload w : judged) {
            met &= criteria(results, w.name(), ENGINE, BASELINE, true);
        }
        System.out.println(met ? "All criteria met." : "Criteria NOT met.");
        System.out.println();
        System.out.println("Week by week (engine vs the target-capacity model):");
        System.out.println();
        System.out.println("| Workload | Week | p95 wait ratio | Cost ratio | Builds lost | API calls ratio |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (Workload w : judged) {
            List<Simulation.Result> e = perWeek.get(w.name() + "/engine");
            List<Simulation.Result> t = perWeek.get(w.name() + "/target");
            for (int k = 0; k < weeks; k++) {
                System.out.println(String.format(Locale.ROOT, "| %s | %d | %.2f | %.3f | %d | %.3f |", w.name(),
                        k + 1, ratio(e.get(k).p95Wait(), t.get(k).p95Wait()), e.get(k).cost() / t.get(k).cost(),
                        e.get(k).lost(), e.get(k).apiCallsPerDay() / t.get(k).apiCallsPerDay()));
            }
        }
        System.out.println();
        System.out.println("For reference (not the acceptance baseline):");
        for (String baseline : List.of(NO_DELAY, DOCUMENTED, PRICE_CAPACITY)) {
            for (Workload w : judged) {
                criteria(results, w.name(), ENGINE, baseline, false);
            }
        }
        for (Workload w : judged) {
            criteria(results, w.name(), ENGINE_NO_ESTIMATES, BASELINE, false);
        }
        criteria(results, firstWeek.get(firstWeek.size() - 1).name(), ENGINE, BASELINE, false);
        System.out.println();
        warmFrontier(results, judged);
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "Simulated %d policy-weeks in %.1f s.",
                results.size() * weeks, (System.nanoTime() - started) / 1e9));
    }

    /**
     * The single-use scenario (issue 20): each named workload's builds on agents of one executor and maxTotalUses 1,
     * for {@code weeks} weeks from {@code seed}, against this engine, the target-capacity model (as documented, with
     * No Delay Provision, with agents ready 2 to 5 minutes after launch, and price-capacity-optimized) and the lower
     * bound.
     */
    static void singleUse(long seed, int weeks, List<String> names, List<String> policies) throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        Map<String, List<Future<Simulation.Result>>> futures = new LinkedHashMap<>();
        for (String name : names) {
            for (String policy : policies) {
                List<Future<Simulation.Result>> runs = new ArrayList<>();
                for (int k = 0; k < weeks; k++) {
                    long weekSeed = seed + 1000L * k;
                    Workload workload = Workload.named(name.trim(), weekSeed).singleUse();
                    runs.add(pool.submit(() -> runSingleUse(workload, policy, weekSeed)));
                }
                futures.put(name + "/" + policy, runs);
            }
        }
        Map<String, List<Simulation.Result>> perWeek = weekly(futures);
        List<Simulation.Result> results = perWeek.values().stream().map(Simulation.Result::mean).toList();
        pool.shutdown();
        System.out.println("Single-use agents (maxTotalUses " + SINGLE_USE_USES + ", " + SINGLE_USE_EXECUTORS
                + " executor per agent, at most " + Workload.SINGLE_USE_MAX + " agents, idle timeout "
                + IDLE_TIMEOUT.toMinutes() + " min). Seed " + seed + ", " + weeks + " weeks; 18 pools.");
        System.out.println();
        System.out.println("Queue waits are pooled over the " + weeks + " weeks; builds lost are the total; the other "
                + "figures are means per week.");
        System.out.println();
        System.out.println("| Workload | Policy | Builds/week | p50 queue wait | p95 queue wait | Cost (USD/week) "
                + "| Instances launched/week | Idle agent-hours | Builds interrupted | Builds lost "
                + "| AWS API calls/day |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Simulation.Result r : results) {
            System.out.println(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %s | %.2f | %d | %.1f | %d | %d | %.0f |", r.workload(), r.policy(),
                    r.builds(), Simulation.format(r.p50Wait()), Simulation.format(r.p95Wait()), r.cost(),
                    r.launches(), r.idleAgentHours(), r.buildsInterrupted(), r.lost(), r.apiCallsPerDay()));
        }
        System.out.println();
        System.out.println("API calls by operation (mean per week), instances and prices:");
        for (Simulation.Result r : results) {
            if (!r.calls().isEmpty()) {
                System.out.println(String.format(Locale.ROOT, "- %s, %s: %s; peak %d agents, %.0f instance-hours "
                        + "(%.0f on demand) at %.4f USD/hour on average; Spot instances reclaimed by EC2 %d",
                        r.workload(), r.policy(), r.calls(), r.peakAgents(), r.agentHours(), r.onDemandHours(),
                        r.pricePerAgentHour(), r.spotInterruptions()));
            }
        }
        System.out.println();
        System.out.println("Week by week (this engine vs the target-capacity model):");
        System.out.println();
        System.out.println("| Workload | Week | p95 wait ratio | Cost ratio | Builds lost (engine/model) "
                + "| API calls ratio |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (String name : names) {
            List<Simulation.Result> e = perWeek.get(name + "/engine");
            List<Simulation.Result> t = perWeek.get(name + "/target");
            if (e == null || t == null) {
                continue;
            }
            for (int k = 0; k < weeks; k++) {
                System.out.println(String.format(Locale.ROOT, "| %s | %d | %.2f | %.3f | %d/%d | %.3f |", name, k + 1,
                        ratio(e.get(k).p95Wait(), t.get(k).p95Wait()), e.get(k).cost() / t.get(k).cost(),
                        e.get(k).lost(), t.get(k).lost(), e.get(k).apiCallsPerDay() / t.get(k).apiCallsPerDay()));
            }
        }
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "Simulated %d policy-weeks in %.1f s.",
                results.size() * weeks, (System.nanoTime() - started) / 1e9));
    }

    /**
     * Issue 17's frontier: the engine with warm capacity at each budget beside the fixed spare pools, and the checks
     * the issue sets (dominance over fixed spares of equal or higher cost; the goal at 10 %).
     */
    private static void warmFrontier(List<Simulation.Result> results, List<Workload> judged) {
        System.out.println("Warm capacity frontier (issue 17: the engine's own warm capacity, charged its real cost; "
                + "cost ratio vs this engine without it):");
        System.out.println();
        System.out.println("| Workload | Policy | p50 queue wait | p95 queue wait | Cost (USD/week) | Cost ratio "
                + "| Idle agent-hours | Builds lost | AWS API calls/day |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Workload w : judged) {
            Simulation.Result engine = find(results, w.name(), ENGINE);
            List<String> names = new ArrayList<>(List.of(ENGINE));
            BUDGETS.forEach(b -> names.add(engineWarm(b)));
            SPARES.forEach(n -> names.add(engineSpare(n)));
            names.add(NO_DELAY);
            SPARES.forEach(n -> names.add(noDelaySpare(n)));
            for (String name : names) {
                Simulation.Result r = find(results, w.name(), name);
                System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.3f | %.1f | %d | %.0f |",
                        w.name(), name.equals(ENGINE) ? ENGINE + " (warm capacity 0 %)" : name,
                        Simulation.format(r.p50Wait()), Simulation.format(r.p95Wait()), r.cost(),
                        r.cost() / engine.cost(), r.idleAgentHours(), r.lost(), r.apiCallsPerDay()));
            }
        }
        System.out.println();
        System.out.println("Checks (issue 17):");
        for (Workload w : judged) {
            Simulation.Result engine = find(results, w.name(), ENGINE);
            for (int b : BUDGETS) {
                Simulation.Result warm = find(results, w.name(), engineWarm(b));
                List<String> beaten = new ArrayList<>();
                List<String> notBeaten = new ArrayList<>();
                for (int n : SPARES) {
                    for (String name : List.of(engineSpare(n), noDelaySpare(n))) {
                        Simulation.Result spare = find(results, w.name(), name);
                        if (spare.cost() >= warm.cost()) {
                            (warm.p95Wait() <= spare.p95Wait() ? beaten : notBeaten).add(name);
                        }
                    }
                }
                double costRatio = warm.cost() / engine.cost();
                System.out.println(String.format(Locale.ROOT, "- %s, warm capacity %d %%: cost ratio %.3f (budget "
                                + "%s in real cost); dominates %s; does not dominate %s", w.name(), b, costRatio,
                        costRatio <= 1 + b / 100.0 ? "held" : "NOT held",
                        beaten.isEmpty() ? "none of equal or higher cost" : beaten,
                        notBeaten.isEmpty() ? "none" : notBeaten));
            }
            Simulation.Result ten = find(results, w.name(), engineWarm(10));
            double goal = w.name().equals("bursty") ? 0.75 : 0.5;
            double ratio = ratio(ten.p95Wait(), engine.p95Wait());
            double calls = ten.apiCallsPerDay() / engine.apiCallsPerDay();
            boolean met = ratio <= goal && ten.lost() == 0 && calls <= 2;
            System.out.println(String.format(Locale.ROOT, "- %s, goal at 10 %%: p95 wait %s vs %s (ratio %.2f, needs "
                            + "<= %.2f); lost %d (needs 0); API calls/day ratio %.2f (needs <= 2): %s", w.name(),
                    Simulation.format(ten.p95Wait()), Simulation.format(engine.p95Wait()), ratio, goal, ten.lost(),
                    calls, met ? "met" : "NOT met"));
        }
    }

    private static int maxAgents(List<Workload> workloads, String name) {
        return workloads.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow().maxAgents();
    }

    private static double ratio(long engine, long baseline) {
        return baseline == 0 ? (engine == 0 ? 0.0 : Double.POSITIVE_INFINITY) : engine / (double) baseline;
    }

    private static boolean criteria(List<Simulation.Result> results, String workload, String engine,
                                    String baseline, boolean judged) {
        Simulation.Result e = find(results, workload, engine);
        Simulation.Result t = find(results, workload, baseline);
        Simulation.Result bound = find(results, workload, BOUND);
        double ratio = ratio(e.p95Wait(), t.p95Wait());
        double calls = e.apiCallsPerDay() / t.apiCallsPerDay();
        boolean met = ratio <= 0.5 && e.cost() <= t.cost() && e.lost() == 0 && calls <= 0.1;
        System.out.println(String.format(Locale.ROOT,
                "- %s, %s vs %s: p95 wait %s vs %s (ratio %.2f, needs <= 0.50; lower bound %s); cost %.2f vs %.2f "
                        + "(needs <=); lost %d (needs 0); API calls/day %.0f vs %.0f (ratio %.3f, needs <= 0.100)%s",
                workload, engine, baseline, Simulation.format(e.p95Wait()), Simulation.format(t.p95Wait()), ratio,
                Simulation.format(bound.p95Wait()), e.cost(), t.cost(), e.lost(), e.apiCallsPerDay(),
                t.apiCallsPerDay(), calls, judged ? (met ? ": met" : ": NOT met") : (met ? ": would be met"
                        : ": would not be met")));
        return met;
    }

    private static Simulation.Result find(List<Simulation.Result> results, String workload, String policy) {
        return results.stream().filter(r -> r.workload().equals(workload) && r.policy().equals(policy))
                .findFirst().orElseThrow();
    }
}
