package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pools that recently had no capacity, per market, left out of requests until their cooldown ends. */
public final class PoolCooldowns implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, Instant> until = new HashMap<>();

    private static String key(Pool pool, Market market) {
        return market + "/" + pool;
    }

    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown) {
        until.put(key(pool, market), now.plus(cooldown));
    }

    public synchronized boolean isCooling(Pool pool, Market market, Instant now) {
        Instant end = until.get(key(pool, market));
        return end != null && now.isBefore(end);
    }

    /** The pools of {@code pools} usable for {@code market} now. */
    public synchronized List<Pool> usable(List<Pool> pools, Market market, Instant now) {
        until.values().removeIf(end -> !now.isBefore(end));
        return pools.stream().filter(p -> !isCooling(p, market, now)).toList();
    }

    public synchronized int coolingCount(Instant now) {
        return (int) until.values().stream().filter(now::isBefore).count();
    }
}
