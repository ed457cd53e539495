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
    /** The base cost by hour over the last week, for a daily figure that daily cycles do not swing. */
    private final double[] baseByHour = new double[HOURS];
    private long lastHour = Long.MIN_VALUE;
    private long firstHour = Long.MIN_VALUE;
    static final int HOURS = 168;

    /** Adds what the fleet cost in an interval ending at {@code at}; times must not go backwards. */
    public void add(Instant at, double baseUsd, double warmUsd) {
        if (!(baseUsd >= 0) || !(warmUsd >= 0)) {
            throw new IllegalArgumentException("Costs must be 0 or more, was base " + baseUsd + ", warm " + warmUsd);
        }
        roll(at);
        int i = (int) Math.floorMod(lastBucket, (long) BUCKETS);
        base[i] += baseUsd;
        warm[i] += warmUsd;
        baseByHour[(int) Math.floorMod(lastHour, (long) HOURS)] += baseUsd;
    }

    /**
     * The cost without warm capacity per day, averaged over the last week (or the days seen so far, the first day
     * counting as a whole one): what a percentage budget is a percentage of. The oldest hour is left out, so that
     * the figure cannot fall in the next hour under what was spent against it now. A nightly spike leaves the
     * 24-hour window at the very moment the next one needs warm agents; averaged over the week it does not.
     */
    public double baseUsdPerDay(Instant now) {
        roll(now);
        long covered = Math.min(HOURS, lastHour - firstHour + 1);
        double s = 0;
        for (int k = 0; k < covered; k++) {
            s += baseByHour[(int) Math.floorMod(lastHour - k, (long) HOURS)];
        }
        if (covered == HOURS) {
            s -= baseByHour[(int) Math.floorMod(lastHour - HOURS + 1, (long) HOURS)];
        }
        return s / Math.max(1.0, covered / 24.0);
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
        long hour = Math.floorDiv(now.getEpochSecond(), 3600L);
        if (lastHour == Long.MIN_VALUE) {
            lastHour = hour;
            firstHour = hour;
        } else if (hour > lastHour) {
            for (long h = lastHour + 1; h <= Math.min(hour, lastHour + HOURS); h++) {
                baseByHour[(int) Math.floorMod(h, (long) HOURS)] = 0;
            }
            lastHour = hour;
        }
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
