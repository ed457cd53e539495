package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;

/**
 * What the cloud's agents cost over the last 24 hours, in five-minute buckets, split into the cost it would have had
 * anyway (base) and the cost of warm capacity (agents launched or kept for the forecast, from launch or keep until
 * their first build). Bounded (288 five-minute buckets, 168 hours of base cost); {@link #snapshot()} and {@link
 * #restore(String)} keep it across restarts, so that a percentage budget does not start from nothing.
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
     * Moves up to {@code usd} of warm cost, charged over the last 24 hours, to the base cost at {@code at}: a cost
     * charged to warm capacity that the fleet would have had without it. Takes from the newest warm buckets first;
     * never makes a bucket negative. Returns what was moved.
     */
    public double reattribute(Instant at, double usd) {
        if (!(usd >= 0) || Double.isInfinite(usd)) {
            throw new IllegalArgumentException("Cost must be 0 or more, was " + usd);
        }
        roll(at);
        double left = usd;
        for (int k = 0; k < BUCKETS && left > 0; k++) {
            int i = (int) Math.floorMod(lastBucket - k, (long) BUCKETS);
            double take = Math.min(warm[i], left);
            warm[i] -= take;
            left -= take;
        }
        double moved = usd - left;
        int now = (int) Math.floorMod(lastBucket, (long) BUCKETS);
        base[now] += moved;
        baseByHour[(int) Math.floorMod(lastHour, (long) HOURS)] += moved;
        return moved;
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

    private static final String VERSION = "wl1";

    /**
     * The ledger as one line: {@code wl1;firstHour;lastHour;} the 168 hourly base costs, {@code ;lastBucket;} the 288
     * five-minute warm costs (comma-separated, USD, empty for 0).
     */
    public String snapshot() {
        StringBuilder out = new StringBuilder(VERSION).append(';').append(firstHour).append(';').append(lastHour)
                .append(';');
        append(out, baseByHour);
        out.append(';').append(lastBucket).append(';');
        append(out, warm);
        return out.toString();
    }

    private static void append(StringBuilder out, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (values[i] != 0) {
                out.append(String.format(java.util.Locale.ROOT, "%.6f", values[i]));
            }
        }
    }

    /**
     * A ledger from {@link #snapshot()}'s text; empty for an empty text.
     *
     * @throws IllegalArgumentException when the text is not a ledger this version wrote
     */
    public static WarmLedger restore(String snapshot) {
        WarmLedger l = new WarmLedger();
        if (snapshot == null || snapshot.isBlank()) {
            return l;
        }
        try {
            String[] p = snapshot.trim().split(";", -1);
            if (p.length != 6 || !VERSION.equals(p[0])) {
                throw new IllegalArgumentException("not a '" + VERSION + "' ledger");
            }
            l.firstHour = Long.parseLong(p[1]);
            l.lastHour = Long.parseLong(p[2]);
            l.lastBucket = Long.parseLong(p[4]);
            read(p[3], l.baseByHour);
            read(p[5], l.warm);
            if (l.firstHour > l.lastHour) {
                throw new IllegalArgumentException("first hour after last hour");
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Warm capacity cost ledger is malformed (" + e.getMessage()
                    + "); delete it to start counting again.", e);
        }
        return l;
    }

    private static void read(String text, double[] into) {
        String[] v = text.split(",", -1);
        if (v.length != into.length) {
            throw new IllegalArgumentException("expected " + into.length + " figures, found " + v.length);
        }
        for (int i = 0; i < v.length; i++) {
            double d = v[i].isEmpty() ? 0 : Double.parseDouble(v[i]);
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("bad figure " + v[i]);
            }
            into[i] = d;
        }
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
