package io.jenkins.plugins.awsdelivery.core.spot;

/**
 * What the administrator allows warm capacity (agents kept ready ahead of forecast demand) to cost. Each limit is
 * off at 0; every limit that is set applies. {@link #off()}, the default, keeps no warm capacity.
 *
 * @param percentOverBase warm idle cost at most this percentage of what the cloud spent without it (0 to 100)
 * @param usdPerDay       warm idle cost at most this many US dollars per UTC day
 * @param maxIdleAgents   at most this many agents kept warm at once
 */
public record WarmCapacityBudget(double percentOverBase, double usdPerDay, int maxIdleAgents) {

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
}
