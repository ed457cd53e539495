package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays a week of builds for each named workload against four provisioning policies and prints a Markdown
 * table: this project's Spot engine, a model of the target-capacity approach (mechanistic, and calibrated to the
 * documented 2 to 5 minutes from queue to agent), and on-demand only (the engine with every agent on demand). Every policy sees the same builds, the same pools and the same market events.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.spot.SpotSimulation [seed]</pre>
 */
public final class SpotSimulation {

    static final int MAX_AGENTS = 40;
    static final int EXECUTORS = 2;
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    private SpotSimulation() {}

    static SpotFleetConfig config(int onDemandBase) {
        return SpotFleetConfig.builder("linux-spot", "jenkins-sim")
                .launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes(SpotMarketModel.TYPES.toArray(String[]::new))
                .subnetIds(SpotMarketModel.SUBNETS)
                .capacity(0, MAX_AGENTS, onDemandBase)
                .executorsPerAgent(EXECUTORS)
                .idleTimeout(IDLE_TIMEOUT)
                .labels(Set.of("linux"))
                .build();
    }

    static Simulation.Result run(Workload w, String policy, long seed) {
        Simulation sim = new Simulation(w, seed);
        Simulation.Policy p = switch (policy) {
            case "engine" -> new EnginePolicy("this engine", sim, config(0), seed);
            case "target" -> new TargetCapacityPolicy(sim, MAX_AGENTS, EXECUTORS, IDLE_TIMEOUT.toSeconds(), seed,
                    TargetCapacityPolicy.Variant.NO_DELAY);
            case "documented" -> new TargetCapacityPolicy(sim, MAX_AGENTS, EXECUTORS, IDLE_TIMEOUT.toSeconds(), seed,
                    TargetCapacityPolicy.Variant.DOCUMENTED_LATENCY);
            case "jenkins-default" -> new TargetCapacityPolicy(sim, MAX_AGENTS, EXECUTORS, IDLE_TIMEOUT.toSeconds(),
                    seed, TargetCapacityPolicy.Variant.JENKINS_DEFAULT);
            default -> new EnginePolicy("on-demand only", sim, config(MAX_AGENTS), seed);
        };
        return sim.run(p);
    }

    public static void main(String[] args) throws Exception {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 20261201L;
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<Future<Simulation.Result>> futures = new ArrayList<>();
        List<Workload> workloads = Workload.all(seed);
        for (Workload w : workloads) {
            for (String policy : List.of("engine", "target", "jenkins-default", "documented", "on-demand")) {
                futures.add(pool.submit(() -> run(w, policy, seed)));
            }
        }
        System.out.println("Seed " + seed + "; agents of " + EXECUTORS + " executors, 0 to " + MAX_AGENTS
                + ", idle timeout " + IDLE_TIMEOUT.toMinutes() + " min; 6 instance types x 3 subnets = 18 pools.");
        System.out.println();
        System.out.println("| Workload | Policy | Builds | p50 queue wait | p95 queue wait | Cost (USD/week) | "
                + "Idle agent-hours | Builds interrupted | Reruns | Builds lost | EC2 API calls/day |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<Simulation.Result> results = new ArrayList<>();
        for (Future<Simulation.Result> f : futures) {
            Simulation.Result r = f.get();
            results.add(r);
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %.2f | %.1f | %d | %d | %d | %.0f |",
                    r.workload(), r.policy(), r.builds(), Simulation.format(r.p50Wait()),
                    Simulation.format(r.p95Wait()), r.cost(), r.idleAgentHours(), r.buildsInterrupted(), r.reruns(),
                    r.lost(), r.ec2CallsPerDay()));
        }
        pool.shutdown();
        System.out.println();
        System.out.println("EC2 calls by operation (whole week):");
        for (Simulation.Result r : results) {
            System.out.println("- " + r.workload() + ", " + r.policy() + ": " + r.calls() + "; peak instances "
                    + r.peakAgents() + "; Spot instances reclaimed by EC2 " + r.spotInterruptions());
        }
        System.out.println();
        for (String baseline : List.of("target-capacity model", "target-capacity, Jenkins' default provisioning",
                "target-capacity, documented 2-5 min")) {
            criteria(results, workloads, baseline);
        }
        System.out.println(String.format(Locale.ROOT, "Simulated %d workloads x 5 policies x 1 week in %.1f s.",
                workloads.size(), (System.nanoTime() - started) / 1e9));
    }

    private static void criteria(List<Simulation.Result> results, List<Workload> workloads, String baseline) {
        System.out.println("Criteria (engine vs " + baseline + ", same workload):");
        for (Workload w : workloads) {
            Simulation.Result e = find(results, w.name(), "this engine");
            Simulation.Result t = find(results, w.name(), baseline);
            System.out.println(String.format(Locale.ROOT,
                    "- %s: p95 wait %s vs %s (ratio %.2f, needs <= 0.50); cost %.2f vs %.2f (needs <=); "
                            + "lost %d (needs 0); API calls/day %.0f vs %.0f (ratio %.3f, needs <= 0.100)",
                    w.name(), Simulation.format(e.p95Wait()), Simulation.format(t.p95Wait()),
                    t.p95Wait() == 0 ? 0.0 : e.p95Wait() / (double) t.p95Wait(), e.cost(), t.cost(), e.lost(),
                    e.ec2CallsPerDay(), t.ec2CallsPerDay(), e.ec2CallsPerDay() / t.ec2CallsPerDay()));
        }
        System.out.println();
    }

    private static Simulation.Result find(List<Simulation.Result> results, String workload, String policy) {
        return results.stream().filter(r -> r.workload().equals(workload) && r.policy().equals(policy))
                .findFirst().orElseThrow();
    }
}
