package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A token bucket: {@code perSecond} calls a second on average, bursts of {@code burst}. */
public final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Clock clock;
    private final BlockingWaiter.Sleeper sleeper;
    private double tokens;
    private Instant last;
    private long waits;

    public RateLimiter(double perSecond, int burst, Clock clock, BlockingWaiter.Sleeper sleeper) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.last = clock.instant();
    }

    /** Security Hub's BatchImportFindings rate: 10 requests a second, bursts of 30. */
    public static RateLimiter securityHubImports(Clock clock, BlockingWaiter.Sleeper sleeper) {
        return new RateLimiter(10, 30, clock, sleeper);
    }

    /** Security Hub's GetFindings rate: 3 requests a second, bursts of 6. */
    public static RateLimiter securityHubReads(Clock clock, BlockingWaiter.Sleeper sleeper) {
        return new RateLimiter(3, 6, clock, sleeper);
    }

    /** Takes one token, sleeping until one is there. */
    public synchronized void acquire() throws InterruptedException {
        refill();
        if (tokens < 1) {
            long millis = (long) Math.ceil((1 - tokens) / perSecond * 1000);
            waits++;
            sleeper.sleep(Duration.ofMillis(millis));
            refill();
        }
        tokens -= 1;
    }

    /** How many times a caller had to wait for a token. */
    public synchronized long waits() {
        return waits;
    }

    private void refill() {
        Instant now = clock.instant();
        double seconds = Duration.between(last, now).toNanos() / 1e9;
        tokens = Math.min(burst, tokens + seconds * perSecond);
        last = now;
    }
}
