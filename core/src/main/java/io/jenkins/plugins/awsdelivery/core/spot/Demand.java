package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.Map;

/** Work waiting for an agent: queued executors per label ("" for work that runs on any agent). */
public record Demand(Map<String, Integer> queuedByLabel) {

    public Demand {
        queuedByLabel = Map.copyOf(queuedByLabel);
    }

    public static Demand none() {
        return new Demand(Map.of());
    }

    public static Demand of(String label, int queued) {
        return new Demand(Map.of(label, queued));
    }

    /** Queued executors this cloud could serve. */
    public int servedBy(SpotFleetConfig config) {
        return queuedByLabel.entrySet().stream().filter(e -> config.serves(e.getKey()))
                .mapToInt(e -> Math.max(0, e.getValue())).sum();
    }
}
