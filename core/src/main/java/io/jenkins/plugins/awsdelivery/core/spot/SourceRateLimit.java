package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per request source: a few requests at once, then one every {@code refill}. The source is the
 * address Jenkins reports, which a client can set through forwarded headers: the limit slows a client down, it
 * decides nothing about who gets a secret.
 */
public final class SourceRateLimit {

    /**
     * Sources remembered at most; past it the ones with full buckets are forgotten, then the least recently seen, so
     * that a flood of made-up sources can never lock a real instance out.
     */
    private static final int MAX_SOURCES = 4096;

    private final int burst;
    private final Duration refill;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Bucket {
        double tokens;
        Instant at;
    }

    public SourceRateLimit(int burst, Duration refill) {
        this.burst = burst;
        this.refill = refill;
    }

    /** Takes one request's token; false when the source has asked too often. */
    public synchronized boolean allow(String source, Instant now) {
        String key = source == null ? "" : source;
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_SOURCES) {
                buckets.values().removeIf(x -> refilled(x, now) >= burst);
                Iterator<Bucket> leastRecent = buckets.values().iterator();
                while (buckets.size() >= MAX_SOURCES && leastRecent.hasNext()) {
                    leastRecent.next();
                    leastRecent.remove();
                }
            }
            b = new Bucket();
            b.tokens = burst;
            b.at = now;
            buckets.put(key, b);
        }
        b.tokens = refilled(b, now);
        b.at = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    private double refilled(Bucket b, Instant now) {
        double gained = Math.max(0, Duration.between(b.at, now).toMillis()) / (double) refill.toMillis();
        return Math.min(burst, b.tokens + gained);
    }
}
