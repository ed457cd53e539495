package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how much to launch of each template and which idle agents to retire, from the demand and the agents. A
 * pure function: the same inputs always give the same plan.
 *
 * <ul>
 *   <li>Each template is planned on its own: the work its labels take ({@link SpotFleetConfig#templateFor}), its
 *       agents, its minimum and its maximum. The cloud-wide maximum holds over all templates: when it is short,
 *       the templates' minima are served first, then the rest is shared out one agent at a time, always to the
 *       template with the fewest agents.</li>
 *   <li>Capacity already launching counts against the demand, so the same queued work never launches twice.</li>
 *   <li>So does work expected to end before a new agent could connect (the lead time, from the launch latency
 *       seen so far): the queued work will take the executor it frees sooner than a new agent, so launching for
 *       it would only add an idle agent. Work past its estimate, or without one, is not counted.</li>
 *   <li>An agent's capacity is its free executors, but no more than the builds it may still take (a template's
 *       maximum total uses): a used-up agent is no capacity at all, and a single-use agent counts once, however
 *       many executors it has.</li>
 *   <li>Agents under notice or retiring do not count: work queued behind them gets a replacement.</li>
 *   <li>Never above a maximum, never below a minimum. Toward the maximum count the agents that provide
 *       capacity, those draining under a rebalance recommendation (they may run their builds for a long time)
 *       and used-up agents still running their last builds; an agent under an interruption warning does not (it
 *       is gone within two minutes), so its replacement can start at once.</li>
 *   <li>Only agents idle for their template's idle timeout retire, on-demand ones first, never a busy one, and
 *       never while the queue needs their executors. An agent of a template the cloud no longer has retires as
 *       soon as it is idle.</li>
 * </ul>
 */
public final class FleetPlanner {

    /** What to launch of one template. {@code units} is in agents of weight 1. */
    public record Launch(String template, int units, int onDemandUnits) {
    }

    /**
     * What to do at this step. {@code launchUnits} and {@code onDemandUnits} are the totals of {@code launches}
     * (one per template that needs agents, in template order), in agents of weight 1.
     */
    public record Plan(int launchUnits, int onDemandUnits, List<Agent> retire, String reason,
                       List<Launch> launches) {
        public Plan {
            retire = List.copyOf(retire);
            launches = List.copyOf(launches);
        }
    }

    /** What one template has and needs at this step. */
    private static final class Need {
        final AgentTemplate template;
        int queued;
        int free;
        int finishing;
        /** Units providing capacity. */
        int active;
        /** Units holding a place under the maximum. */
        int counted;
        int wanted;
        int minimumNeed;
        int want;
        int launch;
        int onDemand;

        Need(AgentTemplate template) {
            this.template = template;
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
        Instant soon = now.plus(leadTime);
        Map<String, Need> needs = new LinkedHashMap<>();
        config.templates().forEach(t -> needs.put(t.name(), new Need(t)));
        int countedAll = 0;
        int activeOnDemandUnits = 0;
        for (Agent a : agents) {
            Need n = needs.get(a.templateName());
            // An agent of a template the cloud no longer has weighs what a template listing its type says.
            int units = n == null ? config.templateListing(a.pool().instanceType())
                    .map(t -> t.weightOf(a.pool().instanceType())).orElse(1) : units(a, n.template);
            if (a.countsTowardMaximum()) {
                countedAll += units;
                if (n != null) {
                    n.counted += units;
                }
            }
            if (a.providesCapacity()) {
                if (a.market() == Market.ON_DEMAND) {
                    activeOnDemandUnits += units;
                }
                if (n != null) {
                    n.active += units;
                    int free = a.freeCapacity();
                    n.free += free;
                    n.finishing += Math.min(a.freeingBy(now, soon), a.usesLeft() - free);
                }
            }
        }
        for (Need n : needs.values()) {
            n.queued = demand.queuedFor(config, n.template);
            int missing = n.queued - n.free - n.finishing;
            int room = Math.max(0, n.template.maxAgents() - n.counted);
            n.minimumNeed = Math.max(0, n.template.minAgents() - n.active);
            n.wanted = Math.max(missing > 0 ? ceilDiv(missing, n.template.buildsPerAgent()) : 0, n.minimumNeed);
            n.minimumNeed = Math.min(n.minimumNeed, room);
            n.want = Math.min(n.wanted, room);
        }
        List<Need> list = List.copyOf(needs.values());
        int room = Math.max(0, config.maxAgents() - countedAll);
        room = shareOut(list, room, true);
        shareOut(list, room, false);
        int onDemandLeft = Math.max(0, config.onDemandBase() - activeOnDemandUnits);
        List<Launch> launches = new ArrayList<>();
        for (Need n : list) {
            n.onDemand = Math.min(n.launch, onDemandLeft);
            onDemandLeft -= n.onDemand;
            if (n.launch > 0) {
                launches.add(new Launch(n.template.name(), n.launch, n.onDemand));
            }
        }
        String reason;
        if (list.size() == 1) {
            reason = reason(list.get(0), config, leadTime);
        } else {
            List<String> parts = new ArrayList<>();
            for (Need n : list) {
                if (n.queued > 0 || n.wanted > 0 || n.launch > 0) {
                    parts.add(n.template.name() + ": " + reason(n, config, leadTime));
                }
            }
            reason = parts.isEmpty() ? "capacity covers the queue" : String.join("; ", parts);
        }
        List<Agent> retire = new ArrayList<>();
        long onDemandActive = agents.stream().filter(a -> a.providesCapacity() && a.market() == Market.ON_DEMAND)
                .count();
        long[] onDemandAboveBase = {Math.max(0, onDemandActive - config.onDemandBase())};
        for (Need n : list) {
            retire.addAll(retire(n, agents, now, onDemandAboveBase));
        }
        // An agent of a template the cloud no longer has: not capacity for anyone, it goes once idle.
        agents.stream().filter(a -> !needs.containsKey(a.templateName()))
                .filter(a -> a.state() == AgentState.ONLINE && !a.busy()).forEach(retire::add);
        int total = list.stream().mapToInt(n -> n.launch).sum();
        int onDemand = list.stream().mapToInt(n -> n.onDemand).sum();
        return new Plan(total, onDemand, retire, reason, launches);
    }

    private static int units(Agent a, AgentTemplate t) {
        return Math.max(1, a.executors() / t.executorsPerAgent());
    }

    /**
     * Gives out {@code room} units one at a time, each to the template with the fewest agents (those it has and
     * those given so far; the first in order on a tie) among those still short of their minimum ({@code minima})
     * or of what they want. Returns the room left.
     */
    private static int shareOut(List<Need> needs, int room, boolean minima) {
        while (room > 0) {
            Need next = null;
            for (Need n : needs) {
                int target = minima ? n.minimumNeed : n.want;
                if (n.launch < target && (next == null || n.counted + n.launch < next.counted + next.launch)) {
                    next = n;
                }
            }
            if (next == null) {
                break;
            }
            next.launch++;
            room--;
        }
        return room;
    }

    private static String reason(Need n, SpotFleetConfig config, Duration leadTime) {
        int missing = n.queued - n.free - n.finishing;
        boolean templateCap = n.want < n.wanted;
        String max = templateCap ? "the maximum of " + n.template.maxAgents()
                : config.templates().size() == 1 ? "the maximum of " + config.maxAgents()
                : "the cloud-wide maximum of " + config.maxAgents();
        if (n.launch > 0) {
            return n.queued + " queued executor(s), " + n.free + " free or launching"
                    + (n.finishing > 0 ? ", " + n.finishing + " finishing within " + leadTime.toSeconds() + " s" : "")
                    + ": launching " + n.launch + " agent(s)"
                    + (n.launch < n.wanted ? " (capped at " + max + ")" : "");
        }
        if (n.wanted > 0) {
            return "at " + max + " agent(s); " + Math.max(0, missing) + " executor(s) still wanted";
        }
        return n.finishing > 0 && n.queued > n.free
                ? "capacity covers the queue: " + n.finishing + " executor(s) expected to finish within "
                + leadTime.toSeconds() + " s, sooner than a new agent"
                : "capacity covers the queue";
    }

    private static List<Agent> retire(Need n, Collection<Agent> agents, Instant now, long[] onDemandAboveBase) {
        AgentTemplate t = n.template;
        List<Agent> idle = agents.stream()
                .filter(a -> a.templateName().equals(t.name()))
                .filter(a -> a.state() == AgentState.ONLINE && !a.busy())
                .filter(a -> a.idleSince().map(s -> !s.plus(t.idleTimeout()).isAfter(now)).orElse(false))
                .sorted(Comparator.comparing((Agent a) -> a.idleSince().orElse(now)))
                .toList();
        // On-demand agents beyond the on-demand base cost the most: they go first; the base goes last.
        List<Agent> ordered = new ArrayList<>();
        idle.stream().filter(a -> a.market() == Market.ON_DEMAND).limit(onDemandAboveBase[0])
                .forEach(ordered::add);
        idle.stream().filter(a -> a.market() == Market.SPOT).forEach(ordered::add);
        idle.stream().filter(a -> !ordered.contains(a)).forEach(ordered::add);
        List<Agent> retire = new ArrayList<>();
        int units = n.active;
        int free = n.free;
        for (Agent a : ordered) {
            int u = units(a, t);
            if (units - u < t.minAgents() || free - a.freeCapacity() < n.queued) {
                continue;
            }
            retire.add(a);
            units -= u;
            free -= a.freeCapacity();
            if (a.market() == Market.ON_DEMAND && onDemandAboveBase[0] > 0) {
                onDemandAboveBase[0]--;
            }
        }
        return retire;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
