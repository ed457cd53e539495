package io.jenkins.plugins.awsdelivery.core.wait;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.time.Duration;

/**
 * How often to poll: exponential backoff from {@code initialInterval} to {@code maxInterval} while nothing
 * changes, with jitter, and up to {@code throttledMaxInterval} while the service throttles.
 *
 * @param initialInterval the first delay, and the delay after progress
 * @param maxInterval the longest delay while the service answers normally
 * @param multiplier growth of the delay per poll without progress (at least 1)
 * @param jitter the fraction of each delay that is random, 0 to 1 ("equal jitter" at 0.5)
 * @param throttledMaxInterval the longest delay while the service throttles
 */
public record WaitPolicy(Duration initialInterval, Duration maxInterval, double multiplier, double jitter,
                         Duration throttledMaxInterval) implements Serializable {

    private static final long serialVersionUID = 1L;

    public WaitPolicy {
        if (initialInterval == null || initialInterval.isNegative() || initialInterval.isZero()) {
            throw StageException.invalidInput("The initial poll interval must be positive.",
                    "Give an interval such as 5 seconds.");
        }
        if (maxInterval == null || maxInterval.compareTo(initialInterval) < 0) {
            throw StageException.invalidInput("The maximum poll interval (" + maxInterval
                    + ") is shorter than the initial one (" + initialInterval + ").",
                    "Make the maximum interval at least as long as the initial one.");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier < 1: " + multiplier);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter outside 0..1: " + jitter);
        }
        throttledMaxInterval = throttledMaxInterval == null ? maxInterval.multipliedBy(4) : throttledMaxInterval;
        if (throttledMaxInterval.compareTo(maxInterval) < 0) {
            throttledMaxInterval = maxInterval;
        }
    }

    /** Backoff from {@code initial} doubling up to {@code max}, 20% jitter, throttled up to 4 × max. */
    public static WaitPolicy between(Duration initial, Duration max) {
        return new WaitPolicy(initial, max, 2.0, 0.2, null);
    }
}
