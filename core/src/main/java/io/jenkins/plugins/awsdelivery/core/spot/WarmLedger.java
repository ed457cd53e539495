package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;

/**
 * What the cloud's agents cost over the last 24 hours, in five-minute buckets, split into the cost it would have had
 * anyway (base) and the cost of warm capacity (agents launched or kept for the forecast, from launch or keep until
 * their first build). Bounded (288 buckets); not persisted: after a restart the rolling day starts empty.
 */
public final class WarmLedger {

    public static final Duration WINDOW = Duration.ofHours(24);
    static final long BUCKET_SECONDS = 300;
    static final int BUCKETS = (int) (WINDOW.toSeconds() / BUCKET_SECONDS);

    private final double[] base = new double[BUCKETS];
    private final double[] warm = new double[BUCKETS];
    private long lastBucket = Long.MIN_VALUE;

    /** Adds what the fleet cost in an interval ending at {@code at}; times must not go backwards. */
    public void add(Instant at, double baseUsd, double warmUsd) {
        if (!(baseUsd >= 0) || !(warmUsd >= 0)) {
            throw new IllegalArgumentException("Costs must be 0 or more, was base " + baseUsd + ", warm " + warmUsd);
        }
        roll(at);
        int i = (int) Math.floorMod(lastBucket, (long) BUCKETS);
        base[i] += baseUsd;
        warm[i] += warmUsd;
    }

    /** Cost without warm capacity over the 24 hours up to {@code now}. */
    public double baseUsd(Instant now) {
        roll(now);
        return sum(base);
    }

    /**
     * Cost without warm capacity over the {@code lookback} (at most 24 hours) up to {@code now}, in whole buckets:
     * over 23 hours, what will still count in the 24-hour window an hour from now.
     */
    public double baseUsd(Instant now, Duration lookback) {
        roll(now);
        int buckets = (int) Math.min(BUCKETS, Math.max(1, lookback.toSeconds() / BUCKET_SECONDS));
        double s = 0;
        for (int k = 0; k < buckets; k++) {
            s += base[(int) Math.floorMod(lastBucket - k, (long) BUCKETS)];
        }
        return s;
    }

    /** Cost of warm capacity over the 24 hours up to {@code now}. */
    public double warmUsd(Instant now) {
        roll(now);
        return sum(warm);
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    private void roll(Instant now) {
        long bucket = Math.floorDiv(now.getEpochSecond(), BUCKET_SECONDS);
        if (lastBucket == Long.MIN_VALUE) {
            lastBucket = bucket;
            return;
        }
        if (bucket <= lastBucket) {
            return;
        }
        for (long b = lastBucket + 1; b <= Math.min(bucket, lastBucket + BUCKETS); b++) {
            int i = (int) Math.floorMod(b, (long) BUCKETS);
            base[i] = 0;
            warm[i] = 0;
        }
        lastBucket = bucket;
    }
}
