package io.jenkins.plugins.awsdelivery.core.spot;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds arriving per label, learnt by five minutes of the week (UTC) from the controller's own history, plus the
 * current trend. For each of the 2016 five-minute slots of the week it keeps an exponentially smoothed count of the
 * builds that arrived in it (so that a spike of 150 builds at 02:00 is seen at 02:00, not spread over the hour;
 * the median slot of the hour is a floor under each, so that a slot quiet by chance in a busy hour is not learnt as
 * quiet), and for each of the 168 hours the builds of the hour (for the status page). Each new week's figure weighs {@link
 * #WEIGHT_OF_NEW_WEEK}, so recent weeks weigh more and a pattern that stops fades within a few weeks.
 *
 * <p>A pure object: no clock, no thread; the caller passes the time and serialises calls. Bounded: at most
 * {@link #MAX_LABELS} labels (the least recently used is dropped), 168 hours and 2016 slots each. {@link
 * #snapshot()} and {@link #restore(String)} turn it into a compact string (at most about 12 KB per label, a few
 * hundred bytes for a label busy only a few hours a week), so the cloud persists it across restarts.
 *
 * <p>The caller reports arrivals with {@link #observe} (zero counts are fine) and calls {@link #advance} at least
 * every few minutes, so that a quiet hour is learnt as quiet. A gap longer than {@link #MAX_GAP} (the controller was
 * down) is not learnt as zero arrivals: nobody was there to count them.
 */
public final class ArrivalForecast {

    public static final int HOURS_PER_WEEK = 168;
    public static final int MAX_LABELS = 32;
    /** Weight of the newest week in each hour's figures: 0.5 halves the weight of every older week. */
    public static final double WEIGHT_OF_NEW_WEEK = 0.5;
    public static final Duration MAX_GAP = Duration.ofHours(6);
    static final long SLOT_SECONDS = 300;
    static final int SLOTS_PER_WEEK = HOURS_PER_WEEK * 12;
    private static final String VERSION = "af2";

    /** One label's learnt week and the hour being counted. */
    private static final class Series {
        final double[] perHour = new double[HOURS_PER_WEEK];
        final double[] peakPerSlot = new double[HOURS_PER_WEEK];
        final boolean[] learnt = new boolean[HOURS_PER_WEEK];
        /** Smoothed builds per five-minute slot of the week; learnt with the hour it belongs to. */
        final double[] perSlot = new double[SLOTS_PER_WEEK];
        /** Arrivals counted in each slot of the hour being counted. */
        final int[] slotsOfHour = new int[12];
        /** Hours since the epoch of the hour being counted, or -1 before the first observation. */
        long hour = -1;
        long slot = -1;
        int hourCount;
        int slotCount;
        int peakSlotCount;
        /** Arrivals in the previous complete slot: the current trend. */
        int lastSlotCount;
    }

    private final LinkedHashMap<String, Series> byLabel = new LinkedHashMap<>(16, 0.75f, true);

    /** {@code count} builds for {@code label} entered the queue at {@code at} (times must not go backwards). */
    public void observe(String label, Instant at, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, was " + count);
        }
        Series s = series(label);
        roll(s, at.getEpochSecond());
        s.hourCount += count;
        s.slotCount += count;
        s.slotsOfHour[(int) Math.floorMod(s.slot, 12L)] += count;
        s.peakSlotCount = Math.max(s.peakSlotCount, s.slotCount);
    }

    /** Closes the hours and slots that ended before {@code now} for every label. */
    public void advance(Instant now) {
        for (Series s : byLabel.values()) {
            roll(s, now.getEpochSecond());
        }
    }

    /**
     * Builds expected for {@code label} to arrive in the {@code window} starting at {@code now}: the learnt figure
     * (the smoothed counts of the five-minute slots the window overlaps, each in proportion to the overlap) plus the
     * current trend: how many more builds than learnt came in the last complete five minutes or the current ones,
     * scaled to the window. Zero for an unknown label.
     */
    public double expectedArrivals(String label, Instant now, Duration window) {
        Series s = byLabel.get(label);
        if (s == null) {
            return 0;
        }
        long seconds = Math.max(1, window.toSeconds());
        long from = now.getEpochSecond();
        long to = from + seconds;
        double seasonal = 0;
        for (long slot = Math.floorDiv(from, SLOT_SECONDS); slot * SLOT_SECONDS < to; slot++) {
            long start = Math.max(from, slot * SLOT_SECONDS);
            long end = Math.min(to, (slot + 1) * SLOT_SECONDS);
            int hour = hourOfWeek(Math.floorDiv(slot, 12L));
            if (s.learnt[hour]) {
                double figure = Math.max(s.perSlot[slotOfWeek(slot)], medianSlot(s, hour));
                seasonal += figure * (end - start) / (double) SLOT_SECONDS;
            }
        }
        long slot = Math.floorDiv(from, SLOT_SECONDS);
        double slotsInWindow = Math.min(1.0, seconds / (double) SLOT_SECONDS);
        double excess = 0;
        if (s.slot >= 0 && slot - s.slot <= 1) {
            // Only what came beyond the learnt figure of its slot: a spike the forecast knew is not expected to go
            // on once its slots are over.
            excess = Math.max(s.lastSlotCount - learntSlot(s, s.slot - 1), s.slotCount - learntSlot(s, s.slot));
        }
        return seasonal + Math.max(0, excess) * slotsInWindow;
    }

    /** The learnt figure of a slot (its smoothed count, at least the median slot of its hour), or 0. */
    private static double learntSlot(Series s, long slot) {
        int hour = hourOfWeek(Math.floorDiv(slot, 12L));
        return s.learnt[hour] ? Math.max(s.perSlot[slotOfWeek(slot)], medianSlot(s, hour)) : 0;
    }

    /**
     * The median of an hour's twelve slots: a floor under each of them, so that a slot that happened to be quiet in
     * a busy hour (builds spread over the hour at random) still expects the hour's usual rate, while the quiet slots
     * of an hour whose builds all come in a spike stay quiet.
     */
    private static double medianSlot(Series s, int hourOfWeek) {
        double[] v = java.util.Arrays.copyOfRange(s.perSlot, hourOfWeek * 12, hourOfWeek * 12 + 12);
        java.util.Arrays.sort(v);
        return (v[5] + v[6]) / 2;
    }

    /** The learnt builds of the five minutes starting at {@code slotOfWeek} x 5 min after Monday 00:00 UTC, or 0. */
    public double perSlot(String label, int slotOfWeek) {
        Series s = byLabel.get(label);
        return s == null ? 0 : s.perSlot[slotOfWeek];
    }

    /** The learnt builds per hour for {@code label} at {@code hourOfWeek} (0 = Monday 00:00 UTC), or 0. */
    public double perHour(String label, int hourOfWeek) {
        Series s = byLabel.get(label);
        return s == null ? 0 : s.perHour[hourOfWeek];
    }

    /** Labels with a history, most recently used last. */
    public List<String> labels() {
        return new ArrayList<>(byLabel.keySet());
    }

    private Series series(String label) {
        Series s = byLabel.get(label);
        if (s == null) {
            s = new Series();
            byLabel.put(label, s);
            if (byLabel.size() > MAX_LABELS) {
                String eldest = byLabel.keySet().iterator().next();
                byLabel.remove(eldest);
            }
        }
        return s;
    }

    private static void roll(Series s, long epochSecond) {
        long hour = Math.floorDiv(epochSecond, 3600);
        long slot = Math.floorDiv(epochSecond, SLOT_SECONDS);
        if (s.hour < 0) {
            s.hour = hour;
            s.slot = slot;
            return;
        }
        if (slot > s.slot) {
            s.lastSlotCount = slot == s.slot + 1 ? s.slotCount : 0;
            s.slotCount = 0;
            s.slot = slot;
        }
        if (hour <= s.hour) {
            return;
        }
        learn(s, s.hour, s.hourCount, s.peakSlotCount, s.slotsOfHour);
        if (hour - s.hour <= MAX_GAP.toHours()) {
            for (long h = s.hour + 1; h < hour; h++) {
                learn(s, h, 0, 0, new int[12]);
            }
        }
        s.hour = hour;
        s.hourCount = 0;
        s.peakSlotCount = s.slotCount;
        java.util.Arrays.fill(s.slotsOfHour, 0);
    }

    private static void learn(Series s, long hour, int count, int peak, int[] slots) {
        int i = hourOfWeek(hour);
        if (s.learnt[i]) {
            s.perHour[i] += WEIGHT_OF_NEW_WEEK * (count - s.perHour[i]);
            s.peakPerSlot[i] += WEIGHT_OF_NEW_WEEK * (peak - s.peakPerSlot[i]);
            for (int k = 0; k < 12; k++) {
                s.perSlot[i * 12 + k] += WEIGHT_OF_NEW_WEEK * (slots[k] - s.perSlot[i * 12 + k]);
            }
        } else {
            s.perHour[i] = count;
            s.peakPerSlot[i] = peak;
            for (int k = 0; k < 12; k++) {
                s.perSlot[i * 12 + k] = slots[k];
            }
            s.learnt[i] = true;
        }
    }

    /** 0 for Monday 00:00-00:05 UTC. */
    static int slotOfWeek(long slotsSinceEpoch) {
        return (int) Math.floorMod(slotsSinceEpoch + 3 * 24 * 12, SLOTS_PER_WEEK);
    }

    /** 0 for Monday 00:00-01:00 UTC (the epoch was a Thursday). */
    static int hourOfWeek(long hoursSinceEpoch) {
        return (int) Math.floorMod(hoursSinceEpoch + 3 * 24, HOURS_PER_WEEK);
    }

    /**
     * The history as one line: {@code af2} then, per label, {@code ;label=hour,slot,hourCount,slotCount,peak,last|},
     * the 168 hours as {@code perHour/peak} (empty for an hour not learnt yet), comma-separated, then {@code |} and
     * the 2016 five-minute slots, comma-separated (empty for none); two decimals. Labels are URL-encoded.
     */
    public String snapshot() {
        StringBuilder out = new StringBuilder(VERSION);
        for (Map.Entry<String, Series> e : byLabel.entrySet()) {
            Series s = e.getValue();
            out.append(';').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(s.hour).append(',').append(s.slot).append(',').append(s.hourCount).append(',')
                    .append(s.slotCount).append(',').append(s.peakSlotCount).append(',').append(s.lastSlotCount)
                    .append('|');
            for (int i = 0; i < HOURS_PER_WEEK; i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (s.learnt[i]) {
                    out.append(decimal(s.perHour[i])).append('/').append(decimal(s.peakPerSlot[i]));
                }
            }
            out.append('|');
            for (int i = 0; i < SLOTS_PER_WEEK; i++) {
                if (i > 0) {
                    out.append(',');
                }
                String v = decimal(s.perSlot[i]);
                if (!"0".equals(v)) {
                    out.append(v);
                }
            }
        }
        return out.toString();
    }

    private static String decimal(double v) {
        String text = String.format(Locale.ROOT, "%.2f", v);
        return text.endsWith(".00") ? text.substring(0, text.length() - 3) : text;
    }

    /**
     * A forecast from {@link #snapshot()}'s text; an empty or blank text gives an empty forecast.
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not a snapshot
     */
    public static ArrivalForecast restore(String snapshot) {
        ArrivalForecast f = new ArrivalForecast();
        if (snapshot == null || snapshot.isBlank()) {
            return f;
        }
        String[] parts = snapshot.trim().split(";", -1);
        if (!VERSION.equals(parts[0])) {
            throw new IllegalArgumentException("Arrival history does not start with '" + VERSION
                    + "': it was not written by this version; delete it to start learning again.");
        }
        for (int p = 1; p < parts.length && f.byLabel.size() < MAX_LABELS; p++) {
            try {
                int eq = parts[p].indexOf('=');
                int bar = parts[p].indexOf('|');
                String label = URLDecoder.decode(parts[p].substring(0, eq), StandardCharsets.UTF_8);
                String[] head = parts[p].substring(eq + 1, bar).split(",");
                int bar2 = parts[p].indexOf('|', bar + 1);
                String[] hours = parts[p].substring(bar + 1, bar2).split(",", -1);
                String[] slots = parts[p].substring(bar2 + 1).split(",", -1);
                if (head.length != 6 || hours.length != HOURS_PER_WEEK || slots.length != SLOTS_PER_WEEK) {
                    throw new IllegalArgumentException("expected 6 counters, " + HOURS_PER_WEEK + " hours and "
                            + SLOTS_PER_WEEK + " slots");
                }
                Series s = new Series();
                s.hour = Long.parseLong(head[0]);
                s.slot = Long.parseLong(head[1]);
                s.hourCount = nonNegative(Integer.parseInt(head[2]));
                s.slotCount = nonNegative(Integer.parseInt(head[3]));
                s.peakSlotCount = nonNegative(Integer.parseInt(head[4]));
                s.lastSlotCount = nonNegative(Integer.parseInt(head[5]));
                for (int i = 0; i < HOURS_PER_WEEK; i++) {
                    if (!hours[i].isEmpty()) {
                        String[] v = hours[i].split("/");
                        s.perHour[i] = nonNegative(Double.parseDouble(v[0]));
                        s.peakPerSlot[i] = nonNegative(Double.parseDouble(v[1]));
                        s.learnt[i] = true;
                    }
                }
                for (int i = 0; i < SLOTS_PER_WEEK; i++) {
                    s.perSlot[i] = slots[i].isEmpty() ? 0 : nonNegative(Double.parseDouble(slots[i]));
                }
                f.byLabel.put(label, s);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Arrival history entry " + p + " is malformed (" + e.getMessage()
                        + "); delete the history to start learning again.", e);
            }
        }
        return f;
    }

    private static int nonNegative(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative count " + v);
        }
        return v;
    }

    private static double nonNegative(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("bad figure " + v);
        }
        return v;
    }
}
