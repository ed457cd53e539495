package io.jenkins.plugins.awsdelivery.bench.spot;

/**
 * Executors the engine keeps free beyond the queue, asked for as extra queued demand (the engine's planner launches
 * for queued executors not covered by free ones, and retires no idle agent the demand still needs).
 */
interface SpareCapacity {

    /**
     * Free executors wanted beyond the queue at {@code now}; called at every engine step. Negative (never below
     * minus the queue) for queued executors that capacity outside the engine covers (the stopped pool).
     */
    int extraExecutors(Simulation sim, long now);

    /** None: the engine as it is. */
    SpareCapacity NONE = (sim, now) -> 0;

    /** A fixed spare pool, as ec2-fleet's minimum spare size and the EC2 plugin's minimum spare instances. */
    static SpareCapacity fixed(int agents, int executorsPerAgent) {
        return (sim, now) -> agents * executorsPerAgent;
    }
}
