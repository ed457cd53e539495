package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

/**
 * How many executors to keep ready beyond the queue for one template: enough that the builds the {@link
 * ArrivalForecast} expects for the template's labels before an agent launched now could take them (the lead time,
 * the measured launch latency, plus {@link #HORIZON}) start at once nine times out of ten, counting arrivals as
 * Poisson. A pure function; the engine applies the {@link WarmCapacityBudget}.
 *
 * <p>The window is the lead time plus a little: an agent launched now serves the builds that arrive once it is up,
 * and those arriving sooner are served by the agents launched at earlier steps. So a spike forecast at 02:00 starts
 * warm launches one lead time before it, and a quiet hour keeps nothing.
 */
public final class WarmCapacityPlanner {

    /** Warm executors cover the forecast arrivals with this probability. */
    public static final double COVERAGE = 0.9;
    /** Beyond the lead time, the forecast window also covers this much (a few provisioning steps). */
    public static final Duration HORIZON = Duration.ofSeconds(30);

    /** The executors wanted and why, for the status page. */
    public record Plan(int executors, double expectedArrivals, String reason) {
    }

    /** Executors wanted for the builds expected for {@code labels} within the lead time and the horizon. */
    public Plan plan(ArrivalForecast forecast, Collection<String> labels, Instant now, Duration leadTime) {
        return plan(forecast, labels, now, leadTime, COVERAGE);
    }

    /**
     * As {@link #plan(ArrivalForecast, Collection, Instant, Duration)}, covering the forecast arrivals with
     * probability {@code coverage}: lower, only executors likely to take a build are wanted.
     */
    public Plan plan(ArrivalForecast forecast, Collection<String> labels, Instant now, Duration leadTime,
                     double coverage) {
        Duration window = leadTime.plus(HORIZON);
        double expected = 0;
        for (String label : labels) {
            expected += forecast.expectedArrivals(label, now, window);
        }
        int executors = poissonQuantile(expected, coverage);
        String reason = String.format(Locale.ROOT, "%.1f build(s) expected within %d s: %d executor(s) wanted ready",
                expected, window.toSeconds(), executors);
        return new Plan(executors, expected, reason);
    }

    /** The smallest k with P(X <= k) >= p for X Poisson with mean {@code mean}. */
    static int poissonQuantile(double mean, double p) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 500) {
            return (int) Math.ceil(mean + 1.2816 * Math.sqrt(mean));
        }
        double term = Math.exp(-mean);
        double cumulative = term;
        int k = 0;
        while (cumulative < p) {
            k++;
            term *= mean / k;
            cumulative += term;
        }
        return k;
    }
}
