package io.jenkins.plugins.awsdelivery.bench.spot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A week of builds (arrival second, duration, job) and the Spot market conditions it runs in, with the maximum
 * number of agents the cloud is configured for. Generated from a seed, so every policy sees exactly the same builds
 * and the same pools.
 *
 * <p>Builds belong to jobs: each job has a typical duration (log-normal around the workload's median, spread 0.45)
 * and each of its builds varies around it (spread 0.25), so that Jenkins' estimate, the average of a job's last
 * three builds, is informative but not exact, as in a real controller.
 */
record Workload(String name, String description, List<int[]> builds, MarketConditions market, int maxAgents) {

    /**
     * The cloud's maximum for every workload but nightly-spike (the documented setup's example is 2 and says to size
     * it for the need; 40 covers the peaks of the other workloads).
     */
    static final int DEFAULT_MAX = 40;

    static final int WEEK = 7 * 86_400;

    /** How unkind the Spot market is this week. */
    record MarketConditions(double interruptionsPerInstanceHour, double droughtsPerPoolDay,
                            double regionalCrunchPerDay) {
    }

    static final MarketConditions NORMAL = new MarketConditions(0.003, 0.5, 0.3);
    static final MarketConditions HARSH = new MarketConditions(0.03, 3.0, 0.9);

    static List<Workload> all(long seed) {
        return List.of(steady(seed), bursty(seed), nightlySpike(seed), highInterruption(seed));
    }

    /** The workload called {@code name} generated from {@code seed} (the same generator as {@link #all}). */
    static Workload named(String name, long seed) {
        return switch (name) {
            case "nightly-spike, max 40" -> nightlySpikeOverMax(seed);
            default -> all(seed).stream().filter(w -> w.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No workload called " + name));
        };
    }

    /**
     * The same builds, pools and market with single-use agents (one executor, maxTotalUses 1: every build on a fresh
     * instance), up to {@link #SINGLE_USE_MAX} agents.
     */
    Workload singleUse() {
        return new Workload(name + ", single-use", description + "; every build on a fresh single-use agent",
                builds, market, SINGLE_USE_MAX);
    }

    /** Single-use agents have one executor: 80 of them are the 80 executors of 40 two-executor agents. */
    static final int SINGLE_USE_MAX = 80;

    static Workload steady(long seed) {
        Random r = new Random(seed);
        List<int[]> b = new ArrayList<>();
        poisson(r, b, 0, WEEK, 15.0, new Jobs(r, 0, 60, 480));
        return new Workload("steady", "15 builds/hour around the clock, median 8 min", sorted(b), NORMAL,
                DEFAULT_MAX);
    }

    static Workload bursty(long seed) {
        Random r = new Random(seed + 1);
        List<int[]> b = new ArrayList<>();
        Jobs jobs = new Jobs(r, 0, 60, 360);
        poisson(r, b, 0, WEEK, 4.0, jobs);
        for (int day = 0; day < 7; day++) {
            int bursts = 3 + r.nextInt(4);
            for (int i = 0; i < bursts; i++) {
                int at = day * 86_400 + 8 * 3600 + r.nextInt(10 * 3600);
                int size = 20 + r.nextInt(21);
                for (int k = 0; k < size; k++) {
                    b.add(jobs.build(r, at + r.nextInt(120)));
                }
            }
        }
        return new Workload("bursty", "4 builds/hour plus 3-6 bursts a day of 20-40 builds within 2 min, "
                + "median 6 min", sorted(b), NORMAL, DEFAULT_MAX);
    }

    /**
     * 150 nightly builds at 02:00 need 75 agents of 2 executors at once: the cloud's maximum is sized for that, as
     * the documented setup says to size it ("change the Maximum Cluster Size depending on your need").
     */
    static Workload nightlySpike(long seed) {
        return nightlySpike(seed, "nightly-spike", 80);
    }

    /**
     * The same builds with the maximum left at 40 agents: the spike then needs twice the capacity the cloud may
     * have, and its builds wait for each other whatever the provisioning policy (a capacity measurement).
     */
    static Workload nightlySpikeOverMax(long seed) {
        return nightlySpike(seed, "nightly-spike, max 40", DEFAULT_MAX);
    }

    private static Workload nightlySpike(long seed, String name, int maxAgents) {
        Random r = new Random(seed + 2);
        List<int[]> b = new ArrayList<>();
        Jobs day = new Jobs(r, 0, 40, 480);
        Jobs night = new Jobs(r, 40, 150, 1200);
        for (int d = 0; d < 7; d++) {
            poisson(r, b, d * 86_400 + 8 * 3600, d * 86_400 + 18 * 3600, 10.0, day);
            int at = d * 86_400 + 2 * 3600;
            for (int k = 0; k < 150; k++) {
                b.add(night.build(r, k, at + r.nextInt(300)));
            }
        }
        return new Workload(name, "10 builds/hour in working hours, 150 builds at 02:00 (median 20 min)",
                sorted(b), NORMAL, maxAgents);
    }

    static Workload highInterruption(long seed) {
        Workload steady = steady(seed + 3);
        return new Workload("high-interruption", "the steady builds in a harsh market: 10x interruptions, "
                + "6x pool droughts, a regional capacity crunch most days", steady.builds(), HARSH, DEFAULT_MAX);
    }

    private static void poisson(Random r, List<int[]> out, int from, int to, double perHour, Jobs jobs) {
        double t = from;
        while (true) {
            t += -Math.log(1 - r.nextDouble()) * 3600.0 / perHour;
            if (t >= to) {
                return;
            }
            out.add(jobs.build(r, (int) t));
        }
    }

    /** A set of jobs, numbered from {@code first}, with typical durations around a median. */
    static final class Jobs {
        private final int first;
        private final double[] typical;

        Jobs(Random r, int first, int count, int medianSeconds) {
            this.first = first;
            this.typical = new double[count];
            for (int i = 0; i < count; i++) {
                typical[i] = medianSeconds * Math.exp(0.45 * r.nextGaussian());
            }
        }

        /** A build of a job picked at random. */
        int[] build(Random r, int at) {
            return build(r, r.nextInt(typical.length), at);
        }

        /** A build of job {@code index}: its typical duration, varied; at least a minute. */
        int[] build(Random r, int index, int at) {
            int duration = (int) Math.max(60, typical[index] * Math.exp(0.25 * r.nextGaussian()));
            return new int[] {at, duration, first + index};
        }
    }

    private static List<int[]> sorted(List<int[]> b) {
        b.sort(Comparator.comparingInt(x -> x[0]));
        return b;
    }
}
