package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How many agents to keep warm (connected, idle, ready for the next builds) for one label: enough executors that
 * the builds the {@link ArrivalForecast} expects within the lead time (the measured launch latency) start at once
 * nine times out of ten, counting arrivals as Poisson, and never more than the {@link WarmCapacityBudget} allows
 * for the next interval. A pure function: the caller passes the time, the spend so far and the price.
 *
 * <p>The budget is checked ahead: {@code k} agents are kept only if their idle cost for the next {@code interval}
 * still fits, so as long as the caller charges at most that, warm spend never exceeds the budget. A percentage
 * budget starts with nothing to spend: it grows with the cost of the fleet without warm capacity.
 */
public final class WarmCapacityPlanner {

    /** Warm executors cover the forecast arrivals with this probability. */
    public static final double COVERAGE = 0.9;

    /** The decision and why, for the status page. */
    public record Plan(int warmAgents, int wantedAgents, double expectedArrivals, String reason) {
    }

    public Plan plan(WarmCapacityBudget budget, ArrivalForecast forecast, String label, Instant now,
                     Duration leadTime, Duration interval, int executorsPerAgent, double usdPerAgentHour,
                     WarmSpend spend) {
        if (executorsPerAgent < 1) {
            throw new IllegalArgumentException("executorsPerAgent must be 1 or more, was " + executorsPerAgent);
        }
        if (budget.isOff()) {
            return new Plan(0, 0, 0, "warm capacity off");
        }
        double expected = forecast.expectedArrivals(label, now, leadTime);
        int executors = poissonQuantile(expected, COVERAGE);
        int wanted = (executors + executorsPerAgent - 1) / executorsPerAgent;
        int allowed = affordable(budget, now, interval, usdPerAgentHour, spend);
        int warm = Math.min(wanted, allowed);
        String reason = String.format(Locale.ROOT, "%.1f build(s) expected within %d s: %d agent(s) wanted, "
                + "%d within the budget", expected, leadTime.toSeconds(), wanted, allowed);
        return new Plan(warm, wanted, expected, reason);
    }

    /** Agents whose idle cost for the next interval fits every limit of the budget. */
    static int affordable(WarmCapacityBudget budget, Instant now, Duration interval, double usdPerAgentHour,
                          WarmSpend spend) {
        long count = budget.maxIdleAgents() > 0 ? budget.maxIdleAgents() : Integer.MAX_VALUE;
        double perAgent = usdPerAgentHour * interval.toSeconds() / 3600.0;
        if (perAgent <= 0) {
            return budget.percentOverBase() > 0 || budget.usdPerDay() > 0 ? 0 : (int) count;
        }
        if (budget.percentOverBase() > 0) {
            double left = budget.percentOverBase() / 100.0 * spend.baseUsd() - spend.warmUsd();
            count = Math.min(count, (long) Math.floor(Math.max(0, left) / perAgent + 1e-9));
        }
        if (budget.usdPerDay() > 0) {
            double left = budget.usdPerDay() - spend.warmUsdOn(now);
            count = Math.min(count, (long) Math.floor(Math.max(0, left) / perAgent + 1e-9));
        }
        return (int) Math.min(count, Integer.MAX_VALUE);
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
