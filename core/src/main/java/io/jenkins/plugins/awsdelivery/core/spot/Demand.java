package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.Map;

/**
 * Work waiting for an agent: queued executors per label ("" for work that runs on any agent), and queued executors
 * the caller already matched to a template by name (a caller that evaluates label expressions itself).
 */
public record Demand(Map<String, Integer> queuedByLabel, Map<String, Integer> queuedByTemplate) {

    public Demand {
        queuedByLabel = Map.copyOf(queuedByLabel);
        queuedByTemplate = queuedByTemplate == null ? Map.of() : Map.copyOf(queuedByTemplate);
    }

    public Demand(Map<String, Integer> queuedByLabel) {
        this(queuedByLabel, Map.of());
    }

    public static Demand none() {
        return new Demand(Map.of());
    }

    public static Demand of(String label, int queued) {
        return new Demand(Map.of(label, queued));
    }

    /** Work the caller matched to template {@code template}. */
    public static Demand ofTemplate(String template, int queued) {
        return new Demand(Map.of(), Map.of(template, queued));
    }

    /** Queued executors this cloud could serve. */
    public int servedBy(SpotFleetConfig config) {
        return config.templates().stream().mapToInt(t -> queuedFor(config, t)).sum();
    }

    /**
     * Queued executors for one template: work matched to it by name, and work whose label {@link
     * SpotFleetConfig#templateFor} gives to it.
     */
    public int queuedFor(SpotFleetConfig config, AgentTemplate template) {
        int n = Math.max(0, queuedByTemplate.getOrDefault(template.name(), 0));
        for (Map.Entry<String, Integer> e : queuedByLabel.entrySet()) {
            if (config.templateFor(e.getKey()).map(t -> t.name().equals(template.name())).orElse(false)) {
                n += Math.max(0, e.getValue());
            }
        }
        return n;
    }
}
