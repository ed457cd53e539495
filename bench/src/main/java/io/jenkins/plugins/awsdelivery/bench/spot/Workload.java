package io.jenkins.plugins.awsdelivery.bench.spot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A week of builds (arrival second, duration) and the Spot market conditions it runs in. Generated from a seed,
 * so every policy sees exactly the same builds and the same pools.
 */
record Workload(String name, String description, List<int[]> builds, MarketConditions market) {

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

    static Workload steady(long seed) {
        Random r = new Random(seed);
        List<int[]> b = new ArrayList<>();
        poisson(r, b, 0, WEEK, 15.0, 480);
        return new Workload("steady", "15 builds/hour around the clock, median 8 min", sorted(b), NORMAL);
    }

    static Workload bursty(long seed) {
        Random r = new Random(seed + 1);
        List<int[]> b = new ArrayList<>();
        poisson(r, b, 0, WEEK, 4.0, 360);
        for (int day = 0; day < 7; day++) {
            int bursts = 3 + r.nextInt(4);
            for (int i = 0; i < bursts; i++) {
                int at = day * 86_400 + 8 * 3600 + r.nextInt(10 * 3600);
                int size = 20 + r.nextInt(21);
                for (int k = 0; k < size; k++) {
                    b.add(new int[] {at + r.nextInt(120), duration(r, 360)});
                }
            }
        }
        return new Workload("bursty", "4 builds/hour plus 3-6 bursts a day of 20-40 builds within 2 min, "
                + "median 6 min", sorted(b), NORMAL);
    }

    static Workload nightlySpike(long seed) {
        Random r = new Random(seed + 2);
        List<int[]> b = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            poisson(r, b, day * 86_400 + 8 * 3600, day * 86_400 + 18 * 3600, 10.0, 480);
            int at = day * 86_400 + 2 * 3600;
            for (int k = 0; k < 150; k++) {
                b.add(new int[] {at + r.nextInt(300), duration(r, 1200)});
            }
        }
        return new Workload("nightly-spike", "10 builds/hour in working hours, 150 builds at 02:00 (median 20 min)",
                sorted(b), NORMAL);
    }

    static Workload highInterruption(long seed) {
        Workload steady = steady(seed + 3);
        return new Workload("high-interruption", "the steady builds in a harsh market: 10x interruptions, "
                + "6x pool droughts, a regional capacity crunch most days", steady.builds(), HARSH);
    }

    private static void poisson(Random r, List<int[]> out, int from, int to, double perHour, int medianSeconds) {
        double t = from;
        while (true) {
            t += -Math.log(1 - r.nextDouble()) * 3600.0 / perHour;
            if (t >= to) {
                return;
            }
            out.add(new int[] {(int) t, duration(r, medianSeconds)});
        }
    }

    /** Log-normal build duration around a median, at least a minute. */
    private static int duration(Random r, int medianSeconds) {
        return (int) Math.max(60, medianSeconds * Math.exp(0.5 * r.nextGaussian()));
    }

    private static List<int[]> sorted(List<int[]> b) {
        b.sort(Comparator.comparingInt(x -> x[0]));
        return b;
    }
}
