package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecast;
import io.jenkins.plugins.awsdelivery.core.spot.WarmCapacityBudget;
import io.jenkins.plugins.awsdelivery.core.spot.WarmCapacityPlanner;
import io.jenkins.plugins.awsdelivery.core.spot.WarmSpend;
import java.time.Duration;
import java.util.List;

/**
 * Executors the engine keeps free beyond the queue, asked for as extra queued demand (the engine's planner launches
 * for queued executors not covered by free ones, and retires no idle agent the demand still needs).
 */
interface SpareCapacity {

    /** Free executors wanted beyond the queue at {@code now}; called at every engine step. */
    int extraExecutors(Simulation sim, long now);

    /** None: the engine as it is. */
    SpareCapacity NONE = (sim, now) -> 0;

    /** A fixed spare pool, as ec2-fleet's minimum spare size and the EC2 plugin's minimum spare instances. */
    static SpareCapacity fixed(int agents, int executorsPerAgent) {
        return (sim, now) -> agents * executorsPerAgent;
    }

    /**
     * Warm capacity sized by an {@link ArrivalForecast} (trained on earlier weeks of the same workload, then
     * learning as the week runs) and bounded by a {@link WarmCapacityBudget}: the issue 17 planner in the
     * simulator only. Lead time is the measured launch-to-connected latency (median; 90 s until measured).
     */
    final class Forecast implements SpareCapacity {
        static final String LABEL = "linux";
        private final ArrivalForecast forecast;
        private final WarmCapacityBudget budget;
        private final int executorsPerAgent;
        private final WarmCapacityPlanner planner = new WarmCapacityPlanner();
        private WarmSpend spend = WarmSpend.none();
        private long arrivedSeen;
        private long lastCharged = -1;
        private int warmAgents;
        private final java.util.Set<String> measured = new java.util.HashSet<>();
        private final java.util.List<Long> latencies = new java.util.ArrayList<>();

        Forecast(ArrivalForecast trained, WarmCapacityBudget budget, int executorsPerAgent) {
            this.forecast = trained;
            this.budget = budget;
            this.executorsPerAgent = executorsPerAgent;
        }

        /** A forecast that has seen {@code history}'s builds, each list one earlier week, oldest first. */
        static ArrivalForecast trainedOn(List<Workload> history) {
            ArrivalForecast f = new ArrivalForecast();
            int weeks = history.size();
            for (int k = 0; k < weeks; k++) {
                long offset = -(long) (weeks - k) * Workload.WEEK;
                List<int[]> builds = history.get(k).builds();
                int next = 0;
                for (long minute = 0; minute < Workload.WEEK; minute += 60) {
                    int count = 0;
                    while (next < builds.size() && builds.get(next)[0] < minute + 60) {
                        count++;
                        next++;
                    }
                    f.observe(LABEL, SimClock.EPOCH.plusSeconds(offset + minute), count);
                }
            }
            f.advance(SimClock.EPOCH);
            return f;
        }

        @Override
        public int extraExecutors(Simulation sim, long now) {
            long arrived = sim.arrived();
            if (arrived > arrivedSeen || now % 60 == 0) {
                forecast.observe(LABEL, SimClock.EPOCH.plusSeconds(now), (int) (arrived - arrivedSeen));
                arrivedSeen = arrived;
            }
            double price = 0;
            int idle = 0;
            for (SimInstance i : sim.instances) {
                price += i.pricePerHour;
                if (i.connected(now) && i.running.isEmpty() && i.acceptingWork) {
                    idle++;
                }
                if (i.connected(now) && measured.add(i.id)) {
                    latencies.add(i.connectedAt - i.launchedAt);
                }
            }
            double perAgentHour = sim.instances.isEmpty() ? 0.04 : price / sim.instances.size();
            if (lastCharged >= 0 && now > lastCharged) {
                double seconds = now - lastCharged;
                double total = price * seconds / 3600;
                double warm = Math.min(total, Math.min(warmAgents, idle) * perAgentHour * seconds / 3600);
                spend = spend.charge(SimClock.EPOCH.plusSeconds(now), total, warm);
            }
            lastCharged = now;
            if (now % 10 != 0) {
                return warmAgents * executorsPerAgent;
            }
            Duration lead = Duration.ofSeconds(latencies.isEmpty() ? 90
                    : latencies.stream().sorted().skip(latencies.size() / 2).findFirst().orElse(90L));
            warmAgents = planner.plan(budget, forecast, LABEL, SimClock.EPOCH.plusSeconds(now), lead,
                    Duration.ofSeconds(10), executorsPerAgent, perAgentHour, spend).warmAgents();
            return warmAgents * executorsPerAgent;
        }
    }
}
