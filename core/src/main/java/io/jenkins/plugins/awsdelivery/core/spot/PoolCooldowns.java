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

    /**
     * A pool of one instance type is the same capacity whichever template asks for it; an attribute-selected pool
     * ({@link Pool#ANY_TYPE}) is a different selection per template, so it cools down for its template only.
     */
    private static String key(Pool pool, Market market, String template) {
        return market + "/" + (Pool.ANY_TYPE.equals(pool.instanceType()) && template != null ? template + ":" : "")
                + pool;
    }

    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown) {
        coolDown(pool, market, now, cooldown, null);
    }

    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown, String template) {
        until.put(key(pool, market, template), now.plus(cooldown));
    }

    public synchronized boolean isCooling(Pool pool, Market market, Instant now) {
        return isCooling(pool, market, now, null);
    }

    public synchronized boolean isCooling(Pool pool, Market market, Instant now, String template) {
        Instant end = until.get(key(pool, market, template));
        return end != null && now.isBefore(end);
    }

    /** The pools of {@code pools} usable for {@code market} now. */
    public synchronized List<Pool> usable(List<Pool> pools, Market market, Instant now) {
        return usable(pools, market, now, null);
    }

    /** The pools of {@code pools} usable for {@code market} now by template {@code template}. */
    public synchronized List<Pool> usable(List<Pool> pools, Market market, Instant now, String template) {
        until.values().removeIf(end -> !now.isBefore(end));
        return pools.stream().filter(p -> !isCooling(p, market, now, template)).toList();
    }

    public synchronized int coolingCount(Instant now) {
        return (int) until.values().stream().filter(now::isBefore).count();
    }
}
