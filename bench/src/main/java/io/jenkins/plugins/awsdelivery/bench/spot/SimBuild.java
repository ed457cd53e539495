package io.jenkins.plugins.awsdelivery.bench.spot;

/** One build and its attempts (an interrupted attempt is rerun from the start, as Pipeline's retry does). */
final class SimBuild {
    final int id;
    final int duration;
    /** The job this build belongs to: Jenkins estimates its duration from the job's last completed builds. */
    final int job;
    /** Jenkins' estimated duration when the attempt started (the job's average of its last 3), or -1. */
    long estimate = -1;
    long queuedAt;
    long startedAt = -1;
    int attempts;
    boolean done;
    boolean lost;
    SimInstance on;

    SimBuild(int id, long arrival, int duration, int job) {
        this.id = id;
        this.job = job;
        this.queuedAt = arrival;
        this.duration = duration;
    }

    long finishesAt() {
        return startedAt + duration;
    }

    /**
     * What Jenkins' {@code Executor#getEstimatedRemainingTimeMillis} would say: the estimate minus the time
     * elapsed, or -1 without an estimate or past it.
     */
    long estimatedRemaining(long now) {
        if (estimate < 0) {
            return -1;
        }
        long eta = estimate - (now - startedAt);
        return eta <= 0 ? -1 : eta;
    }
}
