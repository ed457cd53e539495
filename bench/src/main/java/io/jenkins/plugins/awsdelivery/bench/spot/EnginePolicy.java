package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.AgentReport;
import io.jenkins.plugins.awsdelivery.core.spot.Demand;
import io.jenkins.plugins.awsdelivery.core.spot.EngineStep;
import io.jenkins.plugins.awsdelivery.core.spot.Interruption;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import io.jenkins.plugins.awsdelivery.core.spot.NoticeKind;
import io.jenkins.plugins.awsdelivery.core.spot.OnDemandPrices;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * This project's engine, driven the way the Jenkins cloud drives it: a step every 10 seconds with the queue and the
 * agents, and one as soon as builds enter the queue; notices read by each agent from instance metadata (every 5
 * seconds, no AWS call); inbound agents connect 5 to 15 seconds after boot. Each agent reports Jenkins' estimated
 * remaining time of its builds and the builds it has accepted (what a template's maxTotalUses counts). Under an
 * interruption warning, unless every build on the agent is expected to end at least 15 s before the instance goes,
 * the agent is removed at once and its builds rerun on the replacement, as the Jenkins cloud does.
 */
final class EnginePolicy implements Simulation.Policy {

    private final String name;
    private final Simulation sim;
    private final SimulatedFleetApi api;
    private final SpotEngine engine;
    private final Random random;
    private final Map<String, SimInstance> byId = new HashMap<>();
    private final List<SpotMarketModel.Notice> imds = new ArrayList<>();
    /** False to leave Jenkins' estimates out of the reports (the engine then cannot count finishing work). */
    private final boolean reportEstimates;
    private long lastStep = -1;
    /** New builds already told to the engine. */
    private long arrivedSeen;
    /** Free executors kept beyond the queue: a fixed spare pool or forecast warm capacity. */
    private final SpareCapacity spare;

    EnginePolicy(String name, Simulation sim, SpotFleetConfig config, long seed) {
        this(name, sim, config, seed, true);
    }

    EnginePolicy(String name, Simulation sim, SpotFleetConfig config, long seed, boolean reportEstimates) {
        this(name, sim, config, seed, reportEstimates, SpareCapacity.NONE);
    }

    EnginePolicy(String name, Simulation sim, SpotFleetConfig config, long seed, boolean reportEstimates,
                 SpareCapacity spare) {
        this(name, sim, config, seed, reportEstimates, spare, null);
    }

    /**
     * With {@code forecast} (an arrival history, {@link io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecast}'s
     * snapshot), the engine starts from that history, as a controller restarted with its saved history: the engine's
     * own warm capacity (configured in {@code config}) then plans from it, and the engine hears of every new build as
     * the Jenkins cloud's queue listener tells it.
     */
    EnginePolicy(String name, Simulation sim, SpotFleetConfig config, long seed, boolean reportEstimates,
                 SpareCapacity spare, String forecast) {
        this(name, sim, config, seed, reportEstimates, spare, forecast, null);
    }

    /** As above, with warm capacity's cost ledger as the controller saved it ({@code null} for none). */
    EnginePolicy(String name, Simulation sim, SpotFleetConfig config, long seed, boolean reportEstimates,
                 SpareCapacity spare, String forecast, String ledger) {
        this.name = name;
        this.spare = spare;
        this.reportEstimates = reportEstimates;
        this.sim = sim;
        this.random = new Random(seed);
        this.api = new SimulatedFleetApi(sim.market, sim.clock, sim.boot, this::launched, this::terminated);
        this.engine = new SpotEngine(config, api, sim.clock, new Random(seed + 1), new OnDemandPrices(Map.of()));
        if (forecast != null) {
            engine.restoreForecast(forecast);
        }
        if (ledger != null) {
            engine.restoreWarmLedger(ledger);
        }
    }

    /** The engine (for its metrics once the week is over). */
    SpotEngine engine() {
        return engine;
    }

    private void launched(SimInstance i) {
        byId.put(i.id, i);
        sim.instances.add(i);
        sim.connectAt(i, i.bootedAt + 5 + random.nextInt(11));
    }

    private void terminated(SimInstance i) {
        sim.kill(i, sim.clock.now());
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The Jenkins cloud asks for a provisioning review when a build it serves becomes buildable (a queue listener
     * calling {@code NodeProvisioner#suggestReviewNow}, at most once a second): a step now, unless one ran this
     * second.
     */
    @Override
    public void onQueued(long now) {
        if (lastStep != now) {
            step(now);
        }
    }

    /** The cloud's periodic maintenance: notices read from instance metadata are applied, then a step. */
    @Override
    public void tick(long now) {
        deliverNotices(now);
        step(now);
    }

    private void step(long now) {
        lastStep = now;
        long arrived = sim.arrived();
        if (arrived > arrivedSeen) {
            engine.arrived("linux", (int) (arrived - arrivedSeen));
            arrivedSeen = arrived;
        }
        List<AgentReport> reports = new ArrayList<>();
        for (SimInstance i : sim.instances) {
            if (byId.containsKey(i.id)) {
                List<Duration> remaining = new ArrayList<>();
                for (SimBuild b : i.running) {
                    long eta = b.estimatedRemaining(now);
                    if (eta > 0 && reportEstimates) {
                        remaining.add(Duration.ofSeconds(eta));
                    }
                }
                reports.add(new AgentReport(i.id, i.connected(now), i.running.size(), remaining,
                        i.buildsAccepted));
            }
        }
        EngineStep step = engine.step(Demand.of("linux", sim.queue.size()
                + spare.extraExecutors(sim, now)), reports);
        step.retiring().forEach(a -> {
            SimInstance i = byId.get(a.instanceId());
            if (i != null) {
                i.acceptingWork = false;
            }
        });
        step.lost().forEach(a -> forget(a.instanceId()));
        step.terminated().forEach(a -> forget(a.instanceId()));
        byId.values().removeIf(i -> {
            if (!i.alive) {
                api.forget(i);
                return true;
            }
            return false;
        });
    }

    private void forget(String id) {
        SimInstance i = byId.remove(id);
        if (i != null) {
            api.forget(i);
        }
    }

    @Override
    public void onNotice(SpotMarketModel.Notice notice, long now) {
        // Each agent polls IMDS every 5 s: the notice arrives 0 to 5 s after EC2 posts it.
        imds.add(new SpotMarketModel.Notice(now + random.nextInt(6), notice.instance(), notice.interruption()));
    }

    private void deliverNotices(long now) {
        List<InterruptionNotice> due = new ArrayList<>();
        imds.removeIf(n -> {
            if (n.at() > now) {
                return false;
            }
            if (n.instance().alive) {
                due.add(new InterruptionNotice(n.instance().id, n.interruption() ? NoticeKind.INTERRUPTION
                        : NoticeKind.REBALANCE, n.interruption() ? "terminate" : "",
                        SimClock.EPOCH.plusSeconds(n.instance().terminatesAt), "imds"));
            }
            return true;
        });
        for (Interruption i : engine.onNotices(due)) {
            SimInstance instance = byId.get(i.agent().instanceId());
            if (instance == null) {
                continue;
            }
            instance.acceptingWork = false;
            if (i.notice().kind() == NoticeKind.INTERRUPTION) {
                // As the Jenkins cloud does: if any build is not expected (by Jenkins' estimate) to end 15 s before
                // the instance goes, the agent is removed at once and all its builds rerun; otherwise they are left
                // to finish (and those that overrun their estimate are lost with the instance, then rerun).
                long end = instance.terminatesAt;
                boolean allFinish = instance.running.stream().allMatch(b -> {
                    long eta = b.estimatedRemaining(now);
                    return eta > 0 && now + eta <= end - 15;
                });
                if (!allFinish) {
                    for (SimBuild b : new ArrayList<>(instance.running)) {
                        instance.running.remove(b);
                        sim.interrupt(b, now);
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Long> apiCalls() {
        if (Boolean.getBoolean("spot.debugWarm")) {
            System.out.println(name + ": " + engine.metrics().warm());
        }
        return engine.metrics().apiCalls();
    }
}
