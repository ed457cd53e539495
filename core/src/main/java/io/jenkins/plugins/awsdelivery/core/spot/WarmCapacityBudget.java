package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.Serializable;

/**
 * What the administrator allows warm capacity (agents launched or kept ahead of forecast demand) to cost. Warm
 * capacity is charged its real cost: an agent launched or kept for the forecast costs from its launch (or from when
 * its idle timeout would have retired it) until its first build, or until it is terminated if no build comes. Each
 * limit is off at 0; every limit that is set applies. {@link #off()}, the default, keeps no warm capacity.
 *
 * @param percentOverBase warm cost over the last 24 hours at most this percentage of what the cloud's agents cost
 *                        per day without it (averaged over the last week; 0 to 100)
 * @param usdPerDay       warm cost over the last 24 hours at most this many US dollars
 * @param maxIdleAgents   at most this many agents warm (idle for the forecast) at once
 */
public record WarmCapacityBudget(double percentOverBase, double usdPerDay, int maxIdleAgents) implements Serializable {

    public WarmCapacityBudget {
        if (!(percentOverBase >= 0 && percentOverBase <= 100)) {
            throw new IllegalArgumentException("Warm capacity budget percent must be between 0 and 100, was "
                    + percentOverBase + "; use 0 for no percentage limit.");
        }
        if (!(usdPerDay >= 0) || Double.isInfinite(usdPerDay)) {
            throw new IllegalArgumentException("Warm capacity budget in USD per day must be 0 or more, was "
                    + usdPerDay + "; use 0 for no daily limit.");
        }
        if (maxIdleAgents < 0) {
            throw new IllegalArgumentException("Warm capacity maximum idle agents must be 0 or more, was "
                    + maxIdleAgents + "; use 0 for no limit on the count.");
        }
    }

    public static WarmCapacityBudget off() {
        return new WarmCapacityBudget(0, 0, 0);
    }

    public static WarmCapacityBudget percent(double percentOverBase) {
        return new WarmCapacityBudget(percentOverBase, 0, 0);
    }

    /** True when no limit is set: the cloud keeps no warm capacity (an unbounded budget is never the default). */
    public boolean isOff() {
        return percentOverBase == 0 && usdPerDay == 0 && maxIdleAgents == 0;
    }

    /**
     * The most warm capacity may cost over the 24 hours up to now, given what the agents cost per day without it;
     * {@link Double#POSITIVE_INFINITY} when only the count is limited.
     */
    public double limitUsd(double baseUsdPerDay) {
        double limit = Double.POSITIVE_INFINITY;
        if (percentOverBase > 0) {
            limit = Math.min(limit, percentOverBase / 100.0 * baseUsdPerDay);
        }
        if (usdPerDay > 0) {
            limit = Math.min(limit, usdPerDay);
        }
        return limit;
    }

    /** The budget in words, for the status page. */
    public String describe() {
        if (isOff()) {
            return "off";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (percentOverBase > 0) {
            parts.add(String.format(java.util.Locale.ROOT, "%.4g %% of the daily cost without it", percentOverBase));
        }
        if (usdPerDay > 0) {
            parts.add(String.format(java.util.Locale.ROOT, "%.2f USD", usdPerDay));
        }
        String cost = parts.isEmpty() ? "" : "at most " + String.join(" and ", parts) + " over 24 h";
        String count = maxIdleAgents > 0 ? "at most " + maxIdleAgents + " warm agent(s)" : "";
        return cost.isEmpty() ? count : count.isEmpty() ? cost : cost + ", " + count;
    }
}
