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
     * A pool of one instance type is the same capacity whichever template asks for it, so a capacity error cools it
     * for all; an error that may be the asking template's own (price, unsupported), and any attribute-selected pool
     * ({@link Pool#ANY_TYPE}, a different selection per template), cools it for that template only.
     */
    private static String sharedKey(Pool pool, Market market) {
        return market + "/" + pool;
    }

    private static String templateKey(Pool pool, Market market, String template) {
        return market + "/" + template + ":" + pool;
    }

    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown) {
        coolDown(pool, market, now, cooldown, null);
    }

    /** A capacity error: cools the pool for every template (attribute-selected pools: for {@code template}). */
    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown, String template) {
        coolDown(pool, market, now, cooldown, template, true);
    }

    /** Cools the pool down for every template when {@code shared}, else for {@code template} only. */
    public synchronized void coolDown(Pool pool, Market market, Instant now, Duration cooldown, String template,
            boolean shared) {
        boolean own = template != null && (!shared || Pool.ANY_TYPE.equals(pool.instanceType()));
        until.put(own ? templateKey(pool, market, template) : sharedKey(pool, market), now.plus(cooldown));
    }

    public synchronized boolean isCooling(Pool pool, Market market, Instant now) {
        return isCooling(pool, market, now, null);
    }

    public synchronized boolean isCooling(Pool pool, Market market, Instant now, String template) {
        boolean sharedApplies = template == null || !Pool.ANY_TYPE.equals(pool.instanceType());
        return sharedApplies && cooling(sharedKey(pool, market), now)
                || template != null && cooling(templateKey(pool, market, template), now);
    }

    private boolean cooling(String key, Instant now) {
        Instant end = until.get(key);
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
