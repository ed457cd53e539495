package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Instant;

/**
 * What the cloud has spent, split into the cost it would have had anyway ({@code baseUsd}) and the idle cost of
 * warm capacity ({@code warmUsd}), since the budget started; {@code warmUsdToday} is the warm part of the current
 * UTC day {@code epochDay}. Immutable: {@link #charge} returns the next value.
 */
public record WarmSpend(double baseUsd, double warmUsd, long epochDay, double warmUsdToday) {

    public static WarmSpend none() {
        return new WarmSpend(0, 0, Long.MIN_VALUE, 0);
    }

    /** Adds what the fleet cost in an interval ending at {@code now}, {@code warmUsd} of it idle warm capacity. */
    public WarmSpend charge(Instant now, double totalUsd, double warmUsd) {
        if (totalUsd < 0 || warmUsd < 0 || warmUsd > totalUsd + 1e-12) {
            throw new IllegalArgumentException("Spend must be 0 or more with warm part at most the total, was total "
                    + totalUsd + ", warm " + warmUsd);
        }
        long day = Math.floorDiv(now.getEpochSecond(), 86_400);
        double today = day == epochDay ? warmUsdToday : 0;
        return new WarmSpend(baseUsd + totalUsd - warmUsd, this.warmUsd + warmUsd, day, today + warmUsd);
    }

    /** Warm spend of the UTC day of {@code now}. */
    public double warmUsdOn(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), 86_400) == epochDay ? warmUsdToday : 0;
    }
}
