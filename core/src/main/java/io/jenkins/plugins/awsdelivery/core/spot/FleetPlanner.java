package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Decides how much to launch and which idle agents to retire, from the demand and the agents. A pure function:
 * the same inputs always give the same plan.
 *
 * <ul>
 *   <li>Capacity already launching counts against the demand, so the same queued work never launches twice.</li>
 *   <li>So does work expected to end before a new agent could connect (the lead time, from the launch latency
 *       seen so far): the queued work will take the executor it frees sooner than a new agent, so launching for
 *       it would only add an idle agent. Work past its estimate, or without one, is not counted.</li>
 *   <li>Agents under notice or retiring do not count: work queued behind them gets a replacement.</li>
 *   <li>Never above the maximum, never below the minimum. Toward the maximum count the agents that provide
 *       capacity and those draining under a rebalance recommendation (they may run their builds for a long
 *       time); an agent under an interruption warning does not (it is gone within two minutes), so its
 *       replacement can start at once.</li>
 *   <li>Only agents idle for the idle timeout retire, on-demand ones first, never a busy one, and never while
 *       the queue needs their executors.</li>
 * </ul>
 */
public final class FleetPlanner {

    /** What to do at this step. {@code launchUnits} is in agents of weight 1. */
    public record Plan(int launchUnits, int onDemandUnits, List<Agent> retire, String reason) {
        public Plan {
            retire = List.copyOf(retire);
        }
    }

    public Plan plan(SpotFleetConfig config, Demand demand, Collection<Agent> agents, Instant now) {
        return plan(config, demand, agents, now, Duration.ZERO);
    }

    /**
     * As {@link #plan(SpotFleetConfig, Demand, Collection, Instant)}, counting executors expected to be free within
     * {@code leadTime} as free.
     */
    public Plan plan(SpotFleetConfig config, Demand demand, Collection<Agent> agents, Instant now,
                     Duration leadTime) {
        int perAgent = config.executorsPerAgent();
        Instant soon = now.plus(leadTime);
        int finishing = 0;
        int queued = demand.servedBy(config);
        int freeExecutors = 0;
        int activeUnits = 0;
        int activeOnDemandUnits = 0;
        int rebalancingUnits = 0;
        for (Agent a : agents) {
            int units = Math.max(1, a.executors() / perAgent);
            if (a.rebalancing()) {
                rebalancingUnits += units;
            }
            if (a.providesCapacity()) {
                activeUnits += units;
                if (a.market() == Market.ON_DEMAND) {
                    activeOnDemandUnits += units;
                }
                freeExecutors += Math.max(0, a.executors() - a.busyExecutors());
                finishing += a.freeingBy(now, soon);
            }
        }
        int missingExecutors = queued - freeExecutors - finishing;
        int wanted = missingExecutors > 0 ? ceilDiv(missingExecutors, perAgent) : 0;
        wanted = Math.max(wanted, config.minAgents() - activeUnits);
        int room = config.maxAgents() - activeUnits - rebalancingUnits;
        int launch = Math.max(0, Math.min(wanted, room));
        int onDemand = Math.min(launch, Math.max(0, config.onDemandBase() - activeOnDemandUnits));
        String reason;
        if (launch > 0) {
            reason = queued + " queued executor(s), " + freeExecutors + " free or launching"
                    + (finishing > 0 ? ", " + finishing + " finishing within " + leadTime.toSeconds() + " s" : "")
                    + ": launching " + launch
                    + " agent(s)" + (launch < wanted ? " (capped at the maximum of " + config.maxAgents() + ")" : "");
        } else if (wanted > 0) {
            reason = "at the maximum of " + config.maxAgents() + " agent(s); " + missingExecutors
                    + " executor(s) still wanted";
        } else {
            reason = finishing > 0 && queued > freeExecutors
                    ? "capacity covers the queue: " + finishing + " executor(s) expected to finish within "
                    + leadTime.toSeconds() + " s, sooner than a new agent"
                    : "capacity covers the queue";
        }
        List<Agent> retire = retire(config, agents, now, queued, freeExecutors, activeUnits);
        return new Plan(launch, onDemand, retire, reason);
    }

    private static List<Agent> retire(SpotFleetConfig config, Collection<Agent> agents, Instant now, int queued,
                                      int freeExecutors, int activeUnits) {
        long onDemandActive = agents.stream().filter(a -> a.providesCapacity() && a.market() == Market.ON_DEMAND)
                .count();
        long onDemandAboveBase = Math.max(0, onDemandActive - config.onDemandBase());
        List<Agent> idle = agents.stream()
                .filter(a -> a.state() == AgentState.ONLINE && !a.busy())
                .filter(a -> a.idleSince().map(s -> !s.plus(config.idleTimeout()).isAfter(now)).orElse(false))
                .sorted(Comparator.comparing((Agent a) -> a.idleSince().orElse(now)))
                .toList();
        // On-demand agents beyond the on-demand base cost the most: they go first; the base goes last.
        List<Agent> ordered = new ArrayList<>();
        idle.stream().filter(a -> a.market() == Market.ON_DEMAND).limit(onDemandAboveBase).forEach(ordered::add);
        idle.stream().filter(a -> a.market() == Market.SPOT).forEach(ordered::add);
        idle.stream().filter(a -> !ordered.contains(a)).forEach(ordered::add);
        idle = ordered;
        List<Agent> retire = new ArrayList<>();
        int units = activeUnits;
        int free = freeExecutors;
        for (Agent a : idle) {
            int u = Math.max(1, a.executors() / config.executorsPerAgent());
            if (units - u < config.minAgents() || free - a.executors() < queued) {
                continue;
            }
            retire.add(a);
            units -= u;
            free -= a.executors();
        }
        return retire;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
