package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Spot cloud has done, for its status page: agents by state and market, launches, interruptions, launch
 * latency, estimated savings and API calls by operation; agents by template, and agents terminated after taking
 * their template's maximum total uses; where the time from launch to a connected agent goes ({@link BootPhases}).
 */
public record SpotMetrics(Map<AgentState, Integer> spotAgents, Map<AgentState, Integer> onDemandAgents,
                          long spotLaunches, long onDemandLaunches, long fallbackLaunches, long interruptions,
                          long rebalanceRecommendations, long lostAgents, long orphansTerminated,
                          long launchP50Seconds, long launchP95Seconds, double estimatedSavingsUsd,
                          Map<String, Long> apiCalls, Map<String, Long> launchErrors,
                          Map<String, Integer> agentsByTemplate, long usedUpTerminated, Warm warm,
                          BootPhases boot) {

    /**
     * What warm capacity (agents launched or kept for the arrival forecast) cost and what it gave.
     *
     * @param budget            the budget in words ("off" when not configured)
     * @param warmAgentsNow     agents warm now (launched or kept for the forecast, no build taken yet)
     * @param warmAgentHours    agent-hours charged to warm capacity: idle because of the forecast
     * @param warmUsd           their cost, since the engine started
     * @param baseUsd           the cost of every other agent-hour, since the engine started
     * @param warmUsdLast24h    warm cost over the last 24 hours (what the budget limits)
     * @param baseUsdPerDay     the other agents' cost per day, averaged over the last week (what a percentage
     *                          budget is of)
     * @param limitUsd          what warm capacity may cost over 24 hours now (infinite when only the count is
     *                          limited)
     * @param warmLaunches      agents launched for the forecast
     * @param warmKeeps         idle agents kept past their idle timeout for the forecast
     * @param released          warm agents retired before their idle timeout: the budget was spent, or their
     *                          executors were no longer wanted
     * @param buildsOnWarm      builds that started on a warm agent
     * @param waitsReported     of those, builds whose queue wait the caller reported
     * @param meanWaitSeconds   their mean queue wait
     * @param maxWaitSeconds    their longest queue wait
     * @param lastPlan          the last step's warm decision in words, or empty
     */
    public record Warm(String budget, int warmAgentsNow, double warmAgentHours, double warmUsd, double baseUsd,
                       double warmUsdLast24h, double baseUsdPerDay, double limitUsd, long warmLaunches, long warmKeeps,
                       long released, long buildsOnWarm, long waitsReported, double meanWaitSeconds,
                       long maxWaitSeconds, String lastPlan) {
    }

    static SpotMetrics of(Collection<Agent> agents, Counters c) {
        return of(agents, c, new Warm("off", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ""));
    }

    static SpotMetrics of(Collection<Agent> agents, Counters c, Warm warm) {
        Map<AgentState, Integer> spot = new EnumMap<>(AgentState.class);
        Map<AgentState, Integer> onDemand = new EnumMap<>(AgentState.class);
        Map<String, Integer> byTemplate = new TreeMap<>();
        for (Agent a : agents) {
            (a.market() == Market.SPOT ? spot : onDemand).merge(a.state(), 1, Integer::sum);
            if (a.state() != AgentState.TERMINATED) {
                byTemplate.merge(a.templateName(), 1, Integer::sum);
            }
        }
        return new SpotMetrics(spot, onDemand, c.spotLaunches, c.onDemandLaunches, c.fallbackLaunches,
                c.interruptions, c.rebalances, c.lost, c.orphans, c.latencyPercentile(50), c.latencyPercentile(95),
                c.savingsUsd, new TreeMap<>(c.apiCalls), new TreeMap<>(c.launchErrors), byTemplate, c.usedUp, warm,
                c.boot.summary());
    }

    /** Total EC2 (and SQS) calls the engine made. */
    public long totalApiCalls() {
        return apiCalls.values().stream().mapToLong(Long::longValue).sum();
    }


    /** The engine's running counts. */
    static final class Counters {
        long spotLaunches;
        long onDemandLaunches;
        long fallbackLaunches;
        long interruptions;
        long rebalances;
        long lost;
        long orphans;
        long usedUp;
        double savingsUsd;
        final List<Long> latencies = new ArrayList<>();
        final BootPhases.Recorder boot = new BootPhases.Recorder();
        final Map<String, Long> apiCalls = new TreeMap<>();
        final Map<String, Long> launchErrors = new TreeMap<>();

        /** The p-th percentile of the launch latencies seen (the lower one between two), in seconds; 0 if none. */
        long latencyPercentile(int p) {
            if (latencies.isEmpty()) {
                return 0;
            }
            List<Long> sorted = new ArrayList<>(latencies);
            sorted.sort(null);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        void latency(long seconds) {
            if (latencies.size() >= 1000) {
                latencies.remove(0);
            }
            latencies.add(seconds);
        }

        void call(String operation) {
            apiCalls.merge(operation, 1L, Long::sum);
        }
    }
}
