package io.jenkins.plugins.awsdelivery.bench.spot;

/** One build and its attempts (an interrupted attempt is rerun from the start, as Pipeline's retry does). */
final class SimBuild {
    final int id;
    final int duration;
    long queuedAt;
    long startedAt = -1;
    int attempts;
    boolean done;
    boolean lost;
    SimInstance on;

    SimBuild(int id, long arrival, int duration) {
        this.id = id;
        this.queuedAt = arrival;
        this.duration = duration;
    }

    long finishesAt() {
        return startedAt + duration;
    }
}
