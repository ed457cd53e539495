package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * The engine's warm capacity: the arrival forecast, the real cost of what it keeps ready, and the budget on that
 * cost. Not thread-safe: the engine calls it under its lock.
 *
 * <p>At each step the engine plans as without warm capacity (the base plan), then asks {@link #plan} for the same
 * plan with the executors the forecast wants ready added to the demand. The difference is warm capacity: the units
 * launched beyond the base plan, and the idle agents the base plan would retire (their idle timeout is over) that the
 * warm plan keeps. Keeping an agent about to retire is preferred by construction: the planner counts the free
 * executors of agents that are up before it launches any.
 *
 * <p>Real cost: an agent launched or kept for the forecast is marked warm and charged to warm capacity from that
 * moment until its first build, or until it is terminated if none comes. Everything else is the base cost. The
 * budget ({@link WarmCapacityBudget}) holds over the rolling 24 hours, and is checked ahead: a new warm agent is
 * taken only if the warm cost so far, what the warm agents already up will cost until the next step, and what the
 * new one costs until it could take work still fit. When they no longer fit, idle warm agents are retired.
 */
final class WarmCapacity {

    /** Reserved per warm agent for the time until the next step (the Jenkins cloud steps every 10 s). */
    static final Duration STEP_RESERVE = Duration.ofSeconds(60);
    /** The price assumed for an agent while no Spot or on-demand price is known. */
    static final double FALLBACK_USD_PER_HOUR = 0.05;

    private enum Why { LAUNCHED, KEPT }

    /** Why and since when an agent is warm, and the builds it had taken then (a kept agent had taken some). */
    private record Mark(Why why, Instant since, int accepted) {
    }

    /** One step's warm decision. */
    record Decision(FleetPlanner.Plan plan, Map<String, Integer> warmLaunchUnits, List<Agent> kept,
                    List<Agent> released, String text) {
    }

    private ArrivalForecast forecast = new ArrivalForecast();
    private WarmLedger ledger = new WarmLedger();
    private final WarmCapacityPlanner sizing = new WarmCapacityPlanner();
    private final Map<String, Mark> marks = new LinkedHashMap<>();
    /**
     * What each warm agent has been charged since it was marked, USD and seconds: the most its boot can give back.
     */
    private final Map<String, double[]> charged = new HashMap<>();
    private double warmAgentSeconds;
    private double warmUsd;
    private double baseUsd;
    private long warmLaunches;
    private long warmKeeps;
    private long released;
    private long buildsOnWarm;
    private long waitsReported;
    private double waitSecondsTotal;
    private long waitSecondsMax;
    private String lastText = "";
    private double lastLimit = Double.POSITIVE_INFINITY;

    ArrivalForecast forecast() {
        return forecast;
    }

    void forecast(ArrivalForecast restored) {
        this.forecast = restored;
    }

    WarmLedger ledger() {
        return ledger;
    }

    void ledger(WarmLedger restored) {
        this.ledger = restored;
    }

    void arrived(String label, Instant now, int count) {
        forecast.observe(label == null ? "" : label, now, count);
    }

    boolean isWarm(String instanceId) {
        return marks.containsKey(instanceId);
    }

    /** Charges the interval {@code (from, to]}: marked agents to warm capacity, the others to the base cost. */
    void charge(Instant from, Instant to, Collection<Agent> agents, ToDoubleFunction<Agent> pricePerHour) {
        if (from == null || !to.isAfter(from)) {
            ledger.add(to, 0, 0);
            return;
        }
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        double base = 0;
        double warm = 0;
        for (Agent a : agents) {
            if (a.state() == AgentState.TERMINATED) {
                continue;
            }
            double cost = pricePerHour.applyAsDouble(a) * seconds / 3600.0;
            if (marks.containsKey(a.instanceId())) {
                warm += cost;
                warmAgentSeconds += seconds;
                double[] c = charged.computeIfAbsent(a.instanceId(), id -> new double[2]);
                c[0] += cost;
                c[1] += seconds;
            } else {
                base += cost;
            }
        }
        ledger.add(to, base, warm);
        warmUsd += warm;
        baseUsd += base;
    }

    /**
     * After the reports: a warm agent that took work is no longer warm; its builds started on a warm agent. Its boot
     * (a launched agent's launch to connection, a kept agent's lead time, at most what it was charged) goes back to
     * the base cost when its build would surely have launched an agent without warm capacity: builds of its template
     * are still queued after the warm agents took theirs, and no agent that was not warm had an executor free or
     * expected free within the lead time. Warm capacity is then charged the time the agent waited for its build. In
     * every other case (a build ending elsewhere might have served it) the whole wait, boot included, stays warm.
     *
     * @param queuedForTemplate builds queued for a template after this step's reports
     */
    void afterReports(Collection<Agent> agents, Instant now, Duration lead, ToDoubleFunction<Agent> pricePerHour,
                      ToIntFunction<String> queuedForTemplate) {
        Set<String> warmBefore = new HashSet<>(marks.keySet());
        Map<String, Integer> baseFree = new HashMap<>();
        for (Agent b : agents) {
            if (!warmBefore.contains(b.instanceId()) && b.state() == AgentState.ONLINE && b.acceptingWork()) {
                baseFree.merge(b.templateName(), b.freeCapacity() + b.freeingBy(now, now.plus(lead)), Integer::sum);
            }
        }
        for (Agent a : agents) {
            Mark m = marks.get(a.instanceId());
            if (m == null || !(a.busy() || a.buildsAccepted() > m.accepted())) {
                continue;
            }
            marks.remove(a.instanceId());
            double[] chargedSoFar = charged.remove(a.instanceId());
            buildsOnWarm += Math.max(1, a.busyExecutors());
            int free = baseFree.getOrDefault(a.templateName(), 0);
            if (queuedForTemplate.applyAsInt(a.templateName()) == 0) {
                // Warm capacity served every build that came: without it, some might have waited for an executor
                // to free up rather than for a launch. Only a queue left over proves the launch.
                continue;
            }
            if (free > 0) {
                // An executor that was not warm could have taken this build: no launch saved.
                baseFree.put(a.templateName(), free - 1);
                continue;
            }
            double boot = m.why() == Why.LAUNCHED
                    ? a.connectedAt().map(c -> Duration.between(m.since(), c).toMillis() / 1000.0).orElse(0.0)
                    : Math.min(lead.toMillis(), Duration.between(m.since(), now).toMillis()) / 1000.0;
            if (chargedSoFar == null || chargedSoFar[0] <= 0) {
                continue;
            }
            // At most what this agent was charged (the price may have changed since).
            double usd = Math.min(chargedSoFar[0], pricePerHour.applyAsDouble(a) * Math.max(0, boot) / 3600.0);
            double moved = usd > 0 ? ledger.reattribute(now, usd) : 0;
            if (moved > 0) {
                warmUsd -= moved;
                baseUsd += moved;
                warmAgentSeconds -= chargedSoFar[1] * moved / chargedSoFar[0];
            }
        }
    }

    /** A build started on an agent after waiting {@code waited} in the queue (counted when the agent is warm). */
    void buildStarted(String instanceId, Duration waited) {
        if (marks.containsKey(instanceId)) {
            long s = Math.max(0, waited.toSeconds());
            waitsReported++;
            waitSecondsTotal += s;
            waitSecondsMax = Math.max(waitSecondsMax, s);
        }
    }

    /** Drops the marks of agents the engine no longer has. */
    void retain(Collection<Agent> agents) {
        Set<String> live = new HashSet<>();
        agents.stream().filter(a -> a.state() != AgentState.TERMINATED).forEach(a -> live.add(a.instanceId()));
        marks.keySet().retainAll(live);
        charged.keySet().retainAll(marks.keySet());
    }

    /**
     * The plan with warm capacity, within the budget. {@code base} is the plan without it, {@code typicalPrice} what
     * a new agent is expected to cost per hour.
     */
    Decision plan(SpotFleetConfig config, Demand demand, Collection<Agent> agents, Instant now, Duration lead,
                  FleetPlanner planner, FleetPlanner.Plan base, ToDoubleFunction<Agent> price, double typicalPrice) {
        forecast.advance(now);
        WarmCapacityBudget budget = config.warmCapacity();
        if (budget.isOff()) {
            lastText = "";
            return new Decision(base, Map.of(), List.of(), List.of(), "");
        }
        // A percentage is of the daily cost without warm capacity averaged over the last week: daily cycles (a
        // nightly spike leaving the 24-hour window) do not swing it.
        double limit = budget.limitUsd(ledger.baseUsdPerDay(now));
        lastLimit = limit;
        double spent = ledger.warmUsd(now);
        double reserve = 0;
        for (Agent a : agents) {
            if (marks.containsKey(a.instanceId()) && a.state() != AgentState.TERMINATED) {
                reserve += price.applyAsDouble(a) * reserveSeconds(a, now, lead) / 3600.0;
            }
        }
        int maxCount = budget.maxIdleAgents() > 0 ? budget.maxIdleAgents() : Integer.MAX_VALUE;
        double left = limit - spent - reserve;
        // The budget goes where warm agents are surest to be used: while less than half of it is used, executors
        // cover the forecast 9 times out of 10; past half, only those more and more likely to take a build (a
        // nightly spike rather than one build expected now and then), down to 1 time in 10 when it is spent.
        double used = Double.isInfinite(limit) ? 0 : limit <= 0 ? 1 : Math.min(1, (spent + reserve) / limit);
        double coverage = used <= 0.5 ? WarmCapacityPlanner.COVERAGE
                : WarmCapacityPlanner.COVERAGE - (used - 0.5) / 0.5 * (WarmCapacityPlanner.COVERAGE - 0.1);

        // Over the budget: idle warm agents go (the most expensive first), unless queued work is about to take them.
        List<Agent> release = new ArrayList<>();
        int marked = (int) agents.stream().filter(a -> marks.containsKey(a.instanceId())).count();
        if (left < 0 || marked > maxCount) {
            List<Agent> idle = agents.stream()
                    .filter(a -> marks.containsKey(a.instanceId()) && a.state() == AgentState.ONLINE && !a.busy())
                    .filter(a -> config.template(a.templateName())
                            .map(t -> demand.queuedFor(config, t) == 0).orElse(true))
                    .filter(a -> !base.retire().contains(a))
                    .sorted(Comparator.comparingDouble(price).reversed())
                    .toList();
            int excess = left < 0 ? idle.size() : marked - maxCount;
            release.addAll(idle.subList(0, Math.min(excess, idle.size())));
            released += release.size();
        }

        Map<String, Integer> wanted = new LinkedHashMap<>();
        Map<String, List<String>> labels = new HashMap<>();
        for (String label : forecast.labels()) {
            config.templateFor(label).ifPresent(t -> labels.computeIfAbsent(t.name(), n -> new ArrayList<>())
                    .add(label));
        }
        List<String> texts = new ArrayList<>();
        int most = 0;
        for (AgentTemplate t : config.templates()) {
            WarmCapacityPlanner.Plan p = sizing.plan(forecast, labels.getOrDefault(t.name(), List.of()), now, lead,
                    coverage);
            wanted.put(t.name(), p.executors());
            most = Math.max(most, p.executors());
            if (p.executors() > 0) {
                texts.add((config.templates().size() > 1 ? t.name() + ": " : "") + p.reason());
            }
        }
        FleetPlanner.Plan chosen = base;
        int chosenCap = 0;
        Map<String, Integer> units = Map.of();
        List<Agent> kept = List.of();
        int newMarksAllowed = maxCount - (marked - release.size());
        if (most > 0 && left > 0 && newMarksAllowed > 0) {
            // The most warm executors per template (capped at k) whose new warm agents fit the budget.
            int lo = 0;
            int hi = most;
            Candidate best = null;
            while (lo < hi) {
                int k = (lo + hi + 1) / 2;
                Candidate c = candidate(config, demand, agents, now, lead, planner, base, wanted, k, price,
                        typicalPrice);
                if (c.cost <= left && c.newMarks <= newMarksAllowed) {
                    lo = k;
                    best = c;
                } else {
                    hi = k - 1;
                }
            }
            if (best != null) {
                chosenCap = lo;
                chosen = best.plan;
                units = best.units;
                kept = best.kept;
            }
            if (lo < most) {
                texts.add("capped at " + lo + " executor(s) by the budget (" + budget.describe() + ")");
            }
        } else if (most > 0) {
            texts.add("none within the budget (" + budget.describe() + ")");
        }
        // A warm agent whose executors are no longer wanted (builds ended elsewhere and freed more than the forecast
        // wants, or the forecast fell) goes now rather than at its idle timeout: it would only be charged.
        int cap = chosenCap;
        FleetPlanner.Plan planned = chosen;
        for (AgentTemplate t : config.templates()) {
            int surplus = -demand.queuedFor(config, t) - Math.min(wanted.getOrDefault(t.name(), 0), cap);
            for (Agent a : agents) {
                if (a.templateName().equals(t.name()) && a.providesCapacity() && !chosen.retire().contains(a)
                        && !release.contains(a)) {
                    surplus += a.freeCapacity();
                }
            }
            for (FleetPlanner.Launch l : chosen.launches()) {
                if (l.template().equals(t.name())) {
                    surplus += l.units() * t.executorsPerAgent();
                }
            }
            List<Agent> idleWarm = agents.stream()
                    .filter(a -> a.templateName().equals(t.name()) && marks.containsKey(a.instanceId())
                            && a.state() == AgentState.ONLINE && !a.busy() && !release.contains(a)
                            && !planned.retire().contains(a))
                    .sorted(Comparator.comparingDouble(price).reversed())
                    .toList();
            for (Agent a : idleWarm) {
                if (a.freeCapacity() <= surplus) {
                    release.add(a);
                    surplus -= a.freeCapacity();
                    released++;
                }
            }
        }
        if (!release.isEmpty()) {
            List<Agent> retire = new ArrayList<>(chosen.retire());
            release.stream().filter(a -> !retire.contains(a)).forEach(retire::add);
            chosen = new FleetPlanner.Plan(chosen.launchUnits(), chosen.onDemandUnits(), retire, chosen.reason(),
                    chosen.launches());
            texts.add(release.size() + " warm agent(s) retired: the budget is spent or their executors are not wanted");
        }
        kept.forEach(a -> kept(a, now));
        String text = texts.isEmpty() ? "" : "warm capacity: " + String.join("; ", texts);
        lastText = text;
        return new Decision(chosen, units, kept, release, text);
    }

    private record Candidate(FleetPlanner.Plan plan, Map<String, Integer> units, List<Agent> kept, double cost,
                             int newMarks) {
    }

    private Candidate candidate(SpotFleetConfig config, Demand demand, Collection<Agent> agents, Instant now,
                                Duration lead, FleetPlanner planner, FleetPlanner.Plan base,
                                Map<String, Integer> wanted, int cap, ToDoubleFunction<Agent> price,
                                double typicalPrice) {
        Map<String, Integer> byTemplate = new HashMap<>(demand.queuedByTemplate());
        wanted.forEach((t, w) -> byTemplate.merge(t, Math.min(w, cap), Integer::sum));
        // The warm executors cover the builds expected within the lead time and the horizon: builds expected to end
        // within that window free executors for them too.
        FleetPlanner.Plan plan = planner.plan(config, new Demand(demand.queuedByLabel(), byTemplate), agents, now,
                lead.plus(WarmCapacityPlanner.HORIZON));
        Map<String, Integer> baseUnits = new HashMap<>();
        base.launches().forEach(l -> baseUnits.put(l.template(), l.units()));
        Map<String, Integer> units = new LinkedHashMap<>();
        int newUnits = 0;
        for (FleetPlanner.Launch l : plan.launches()) {
            int extra = l.units() - baseUnits.getOrDefault(l.template(), 0);
            if (extra > 0) {
                units.put(l.template(), extra);
                newUnits += extra;
            }
        }
        List<Agent> kept = base.retire().stream().filter(a -> !plan.retire().contains(a))
                .filter(a -> !marks.containsKey(a.instanceId())).toList();
        double cost = newUnits * typicalPrice * (2 * lead.toSeconds() + STEP_RESERVE.toSeconds()) / 3600.0;
        for (Agent a : kept) {
            cost += price.applyAsDouble(a) * STEP_RESERVE.toSeconds() / 3600.0;
        }
        return new Candidate(plan, units, kept, cost, newUnits + kept.size());
    }

    /** Until the next step; for an agent still booting, also until it is expected to connect (twice the lead). */
    private static double reserveSeconds(Agent a, Instant now, Duration lead) {
        double s = STEP_RESERVE.toSeconds();
        if (a.state() == AgentState.LAUNCHING) {
            s += Math.max(0, Duration.between(now, a.launchedAt().plus(lead.multipliedBy(2))).toSeconds());
        }
        return s;
    }

    /** Marks an idle agent kept past its idle timeout for the forecast. */
    void kept(Agent a, Instant now) {
        marks.put(a.instanceId(), new Mark(Why.KEPT, now, a.buildsAccepted()));
        warmKeeps++;
    }

    /** Marks the agents launched at this step for warm capacity: the last {@code units} of each template. */
    void launched(Map<String, Integer> warmUnits, List<Agent> launched, Instant now) {
        for (Map.Entry<String, Integer> e : warmUnits.entrySet()) {
            List<Agent> ofTemplate = launched.stream().filter(a -> a.templateName().equals(e.getKey())).toList();
            int left = e.getValue();
            for (int i = ofTemplate.size() - 1; i >= 0 && left > 0; i--) {
                marks.put(ofTemplate.get(i).instanceId(), new Mark(Why.LAUNCHED, now, 0));
                warmLaunches++;
                left--;
            }
        }
    }

    SpotMetrics.Warm metrics(SpotFleetConfig config, Instant now) {
        return new SpotMetrics.Warm(config.warmCapacity().describe(), marks.size(), warmAgentSeconds / 3600.0,
                warmUsd, baseUsd, ledger.warmUsd(now), ledger.baseUsdPerDay(now), lastLimit, warmLaunches, warmKeeps, released,
                buildsOnWarm, waitsReported, waitsReported == 0 ? 0 : waitSecondsTotal / waitsReported,
                waitSecondsMax, lastText);
    }
}
