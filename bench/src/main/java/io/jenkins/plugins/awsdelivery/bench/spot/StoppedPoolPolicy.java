package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A warm pool of stopped on-demand instances beside this project's engine (issue 17), judged in the simulator only:
 * the engine launches Spot as it does without the pool, and {@code size} on-demand instances of the cheapest type
 * are kept <em>stopped</em> when idle (Spot instances from an instant fleet cannot be stopped). When queued builds
 * find no free executor, nor one on its way, a stopped instance is started (StartInstances); its agent connects
 * {@code startLatency} seconds later and runs builds at the on-demand price; once it has been idle for
 * {@code stopAfter} seconds it is stopped (StopInstances), not terminated, and can be started again once stopping
 * is over ({@link #STOPPING} seconds). While stopped (and stopping) it costs only its EBS root volume
 * ({@link #EBS_USD_PER_HOUR}); while running it is billed per second with 60 s minimum per start, as on-demand
 * Linux instances are. It is never interrupted.
 *
 * <p>Two ways to share the work with the engine:
 * <ul>
 *   <li><b>bridge</b> (the default): the engine is asked for the whole queue as without the pool, and the pool only
 *   bridges the wait until the Spot agents connect;</li>
 *   <li><b>instead</b>: the engine is not asked for the queued executors that pool agents, started or starting, have
 *   free, so the pool takes a build instead of a Spot launch.</li>
 * </ul>
 * In both, a pool agent takes a build only when no engine agent has a free executor (as a queue task dispatcher
 * could arrange), so that work goes to Spot first and pool agents go idle and stop.
 */
final class StoppedPoolPolicy implements Simulation.Policy {

    /** gp3 list price, us-east-1: 0.08 USD per GB-month, 730 hours a month, for a 30 GB root volume. */
    static final double EBS_USD_PER_HOUR = 0.08 * 30 / 730;
    /** Seconds from StopInstances until the instance is stopped and can be started again (an assumption). */
    static final long STOPPING = 60;
    /** On-demand Linux instances are billed per second with a minimum of 60 s each time they start. */
    static final long MINIMUM_BILLED = 60;

    /** One instance of the pool: stopped (current == null) or running (current != null). */
    private static final class Slot {
        final String id;
        SimInstance current;
        long startedAt;
        /** When stopping is over and the instance can be started again. */
        long availableAt;

        Slot(String id) {
            this.id = id;
        }
    }

    private final String name;
    private final Simulation sim;
    private final EnginePolicy engine;
    private final List<Slot> slots = new ArrayList<>();
    private final long startLatency;
    private final long stopAfter;
    private final boolean bridge;
    private final int executors;
    private final Pool pool;
    private final double onDemandPrice;
    private long starts;
    private long stops;
    /** Seconds the pool's instances ran (from StartInstances to StopInstances). */
    private long runningSeconds;

    StoppedPoolPolicy(String name, Simulation sim, SpotFleetConfig config, long seed, int size, long startLatency,
                      long stopAfter, boolean bridge) {
        this.name = name;
        this.sim = sim;
        this.startLatency = startLatency;
        this.stopAfter = stopAfter;
        this.bridge = bridge;
        this.executors = config.executorsPerAgent();
        // The pool's type: the cheapest on-demand type of the template's list.
        String type = SpotMarketModel.TYPES.stream()
                .min(java.util.Comparator.comparingDouble(sim.market::onDemandPrice)).orElseThrow();
        this.pool = new Pool(type, SpotMarketModel.SUBNETS.get(0));
        this.onDemandPrice = sim.market.onDemandPrice(type);
        for (int k = 0; k < size; k++) {
            slots.add(new Slot(String.format("i-stopped%012x", k + 1)));
        }
        this.engine = new EnginePolicy(name, sim, config, seed, true, this::engineExtra);
    }

    /**
     * What the engine is asked for beyond the queue: in the instead mode, minus the queued executors the pool's
     * agents (connected or starting) have free; nothing in the bridge mode.
     */
    private int engineExtra(Simulation s, long now) {
        if (bridge) {
            return 0;
        }
        int free = 0;
        for (Slot slot : slots) {
            if (slot.current != null && slot.current.acceptingWork) {
                free += slot.current.free();
            }
        }
        return -Math.min(s.queue.size(), free);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void tick(long now) {
        int stopped = 0;
        for (Slot slot : slots) {
            if (slot.current == null) {
                stopped++;
            }
        }
        // The EBS volumes of stopped (and stopping) instances, for the next 10 seconds.
        sim.charge(stopped * EBS_USD_PER_HOUR * 10 / 3600.0, now);
        stopIdle(now);
        startFor(now);
        engine.tick(now);
        poolLast();
    }

    @Override
    public void onQueued(long now) {
        startFor(now);
        engine.onQueued(now);
        poolLast();
    }

    /** Starts stopped instances for queued builds that find no free executor, nor one on its way. */
    private void startFor(long now) {
        int uncovered = sim.queue.size();
        for (SimInstance i : sim.instances) {
            if (!i.alive || !i.acceptingWork) {
                continue;
            }
            boolean ours = isPool(i);
            // In the bridge mode the engine launches for the whole queue: its booting agents do not count.
            if (i.connected(now) || ours || !bridge) {
                uncovered -= i.free();
            }
        }
        for (Slot slot : slots) {
            if (uncovered <= 0) {
                return;
            }
            if (slot.current == null && slot.availableAt <= now) {
                SimInstance i = new SimInstance(slot.id, pool, Market.ON_DEMAND, now, now + startLatency,
                        onDemandPrice, executors, new Random(now));
                i.idleSince = now + startLatency;
                sim.connectAt(i, now + startLatency);
                sim.instances.add(i);
                slot.current = i;
                slot.startedAt = now;
                starts++;
                uncovered -= executors;
            }
        }
    }

    /** Stops the pool's agents idle for {@code stopAfter}: they return to the pool. */
    private void stopIdle(long now) {
        for (Slot slot : slots) {
            SimInstance i = slot.current;
            if (i == null || !i.connected(now) || !i.running.isEmpty() || now - Math.max(i.idleSince,
                    i.connectedAt) < stopAfter) {
                continue;
            }
            long ran = now - slot.startedAt;
            if (ran < MINIMUM_BILLED) {
                sim.charge((MINIMUM_BILLED - ran) * onDemandPrice / 3600.0, now);
            }
            runningSeconds += ran;
            sim.kill(i, now);
            slot.current = null;
            slot.availableAt = now + STOPPING;
            stops++;
        }
    }

    /** Jenkins gives builds to the first agent with a free executor: the pool's come after the engine's. */
    private void poolLast() {
        List<SimInstance> ours = new ArrayList<>();
        sim.instances.removeIf(i -> {
            if (isPool(i)) {
                ours.add(i);
                return true;
            }
            return false;
        });
        sim.instances.addAll(ours);
    }

    private boolean isPool(SimInstance i) {
        for (Slot slot : slots) {
            if (slot.current == i) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onNotice(SpotMarketModel.Notice notice, long now) {
        engine.onNotice(notice, now);
    }

    @Override
    public Map<String, Long> apiCalls() {
        Map<String, Long> calls = new TreeMap<>(engine.apiCalls());
        if (starts > 0) {
            calls.put("Ec2.StartInstances", starts);
        }
        if (stops > 0) {
            calls.put("Ec2.StopInstances", stops);
        }
        if (Boolean.getBoolean("spot.debugStopped")) {
            long running = runningSeconds;
            for (Slot slot : slots) {
                running += slot.current == null ? 0 : sim.clock.now() - slot.startedAt;
            }
            System.out.println(String.format(java.util.Locale.ROOT, "%s: %d starts, %d stops, pool running %.1f h "
                    + "(%.2f USD), stopped volumes %.2f USD", name, starts, stops, running / 3600.0,
                    running / 3600.0 * onDemandPrice, (slots.size() * (double) sim.clock.now() - running) / 3600.0
                    * EBS_USD_PER_HOUR));
        }
        return calls;
    }
}
