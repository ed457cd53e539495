package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.OnDemandPrices;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Spot pools over a week: each pool's capacity, with droughts (capacity drops to zero for 30 minutes to 3 hours)
 * and regional crunches (all but two pools dry for 1 to 2 hours); background interruptions; and what EC2 tells an
 * instance before taking it: often a rebalance recommendation first, always an interruption warning two minutes
 * before the end. On-demand capacity never runs out. Prices are list prices and a fixed Spot discount per pool.
 */
final class SpotMarketModel {

    static final List<String> TYPES = List.of("m5.large", "m5a.large", "m6i.large", "c5.large", "c6i.large",
            "r5.large");
    static final List<String> SUBNETS = List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2",
            "subnet-0ccccccccccccccc3");

    /** What EC2 sends an instance, and when. */
    record Notice(long at, SimInstance instance, boolean interruption) {
    }

    static final class PoolModel {
        final Pool pool;
        final int baseCapacity;
        int capacity;
        int used;
        long dryUntil = -1;
        final double spotPrice;
        final double onDemandPrice;

        PoolModel(Pool pool, int baseCapacity, double spotPrice, double onDemandPrice) {
            this.pool = pool;
            this.baseCapacity = baseCapacity;
            this.capacity = baseCapacity;
            this.spotPrice = spotPrice;
            this.onDemandPrice = onDemandPrice;
        }

        int free() {
            return Math.max(0, capacity - used);
        }
    }

    private final Workload.MarketConditions conditions;
    /** Pools, droughts and crunches: drawn from their own stream, so they are the same whatever a policy runs. */
    private final Random random;
    private final long seed;
    final Map<Pool, PoolModel> pools = new LinkedHashMap<>();
    final List<SimInstance> instances = new ArrayList<>();
    private final List<Notice> pending = new ArrayList<>();
    private int nextId = 1;
    long interruptedInstances;

    SpotMarketModel(Workload.MarketConditions conditions, long seed) {
        this.conditions = conditions;
        this.seed = seed;
        this.random = new Random(seed);
        OnDemandPrices od = new OnDemandPrices(Map.of());
        for (String type : TYPES) {
            double odPrice = od.pricePerHour(type).map(BigDecimal::doubleValue).orElse(0.1);
            for (String subnet : SUBNETS) {
                Pool p = new Pool(type, subnet);
                pools.put(p, new PoolModel(p, 3 + random.nextInt(18), odPrice * (0.30 + 0.15 * random.nextDouble()),
                        odPrice));
            }
        }
    }

    /** Instances launched so far (every policy launches through here). */
    long launches() {
        return nextId - 1L;
    }

    double onDemandPrice(String type) {
        return pools.get(new Pool(type, SUBNETS.get(0))).onDemandPrice;
    }

    SimInstance launch(Pool pool, Market market, long now, int executors, long bootSeconds) {
        PoolModel m = pools.get(pool);
        if (market == Market.SPOT) {
            m.used++;
        }
        int n = nextId++;
        SimInstance i = new SimInstance(String.format("i-%017x", n), pool, market, now, now + bootSeconds,
                market == Market.SPOT ? m.spotPrice : m.onDemandPrice, executors, new Random(seed * 7919 + n));
        // Background reclaims: exponential with the market's rate per instance-hour, from the instance's own
        // stream (how many instances a policy runs does not change the pools' events).
        double rate = conditions.interruptionsPerInstanceHour() / 3600.0;
        i.backgroundReclaimAt = rate <= 0 ? Long.MAX_VALUE
                : now + (long) (-Math.log(1 - i.random.nextDouble()) / rate);
        instances.add(i);
        return i;
    }

    void release(SimInstance i) {
        if (!i.alive) {
            return;
        }
        i.alive = false;
        instances.remove(i);
        if (i.market == Market.SPOT) {
            pools.get(i.pool).used--;
        }
    }

    /** One simulated second: droughts start and end, interruptions are decided; returns the notices due now. */
    List<Notice> advance(long now) {
        double perSecondDrought = conditions.droughtsPerPoolDay() / 86_400.0;
        for (PoolModel p : pools.values()) {
            if (p.dryUntil >= 0 && now >= p.dryUntil) {
                p.dryUntil = -1;
                p.capacity = p.baseCapacity;
            }
            if (p.dryUntil < 0 && random.nextDouble() < perSecondDrought) {
                dry(p, now, 1800 + random.nextInt(9000));
            }
        }
        if (random.nextDouble() < conditions.regionalCrunchPerDay() / 86_400.0) {
            List<PoolModel> all = new ArrayList<>(pools.values());
            java.util.Collections.shuffle(all, random);
            int duration = 3600 + random.nextInt(3600);
            all.subList(2, all.size()).forEach(p -> dry(p, now, duration));
        }
        for (SimInstance i : instances) {
            if (i.alive && i.market == Market.SPOT && i.terminatesAt < 0 && now >= i.backgroundReclaimAt) {
                interrupt(i, now);
            }
        }
        for (PoolModel p : pools.values()) {
            if (p.used <= p.capacity) {
                continue; // nothing to reclaim (and no need to count what is already scheduled)
            }
            int over = p.used - p.capacity - scheduledIn(p);
            for (SimInstance i : instances) {
                if (over <= 0) {
                    break;
                }
                if (i.alive && i.market == Market.SPOT && i.pool.equals(p.pool) && i.terminatesAt < 0) {
                    interrupt(i, now);
                    over--;
                }
            }
        }
        List<Notice> due = new ArrayList<>();
        pending.removeIf(n -> {
            if (n.at() <= now) {
                due.add(n);
                return true;
            }
            return false;
        });
        return due;
    }

    private int scheduledIn(PoolModel p) {
        int n = 0;
        for (SimInstance i : instances) {
            if (i.alive && i.pool.equals(p.pool) && i.market == Market.SPOT && i.terminatesAt >= 0) {
                n++;
            }
        }
        return n;
    }

    private void dry(PoolModel p, long now, int seconds) {
        p.capacity = 0;
        p.dryUntil = Math.max(p.dryUntil, now + seconds);
    }

    /** EC2 reclaims an instance: usually a rebalance recommendation 2-10 min ahead, always the 2-minute warning. */
    private void interrupt(SimInstance i, long now) {
        interruptedInstances++;
        long warning = now;
        if (i.random.nextDouble() < 0.7) {
            pending.add(new Notice(now, i, false));
            warning = now + 120 + i.random.nextInt(480);
        }
        pending.add(new Notice(warning, i, true));
        i.terminatesAt = warning + 120;
    }

    /**
     * The pool EC2 picks among those given that have free capacity: capacity-optimized takes the deepest;
     * price-capacity-optimized the cheapest of the deeper half. Null when none has capacity.
     */
    Pool pick(List<Pool> candidates, boolean priceAware) {
        List<Pool> open = new ArrayList<>();
        for (Pool p : candidates) {
            if (free(p) > 0) {
                open.add(p);
            }
        }
        if (open.isEmpty()) {
            return null;
        }
        open.sort(java.util.Comparator.comparingInt((Pool p) -> free(p)).reversed());
        Pool pick = open.get(0);
        if (priceAware) {
            pick = open.subList(0, (open.size() + 1) / 2).stream()
                    .min(java.util.Comparator.comparingDouble(this::spotPrice)).orElse(pick);
        }
        return pick;
    }

    double spotPrice(Pool pool) {
        return pools.get(pool).spotPrice;
    }

    /** Free Spot capacity of a pool now. */
    int free(Pool pool) {
        return pools.get(pool).free();
    }
}
