package io.jenkins.plugins.awsdelivery.spot;

import hudson.model.Computer;
import hudson.model.Executor;
import hudson.model.Queue;
import io.jenkins.plugins.awsdelivery.core.spot.AgentReport;
import io.jenkins.plugins.awsdelivery.core.spot.AgentState;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;

/** What Jenkins tells a Spot cloud's engine each round: the queued builds per template, and each agent's state. */
final class SpotRoundInputs {

    private SpotRoundInputs() {}

    /**
     * Queued builds per template, keyed by a label that core's {@code templateFor} maps to that template (the
     * template's first label it is the first to carry; "" for unlabelled builds of the first template).
     */
    static Map<String, Integer> queued(SpotCloud c) {
        Map<String, Integer> byKey = new java.util.HashMap<>();
        for (Queue.BuildableItem bi : Jenkins.get().getQueue().getBuildableItems()) {
            SpotAgentTemplate t = c.templateFor(bi.getAssignedLabel());
            if (t != null) {
                byKey.merge(demandKey(c, t), 1, Integer::sum);
            }
        }
        return byKey;
    }

    /**
     * The key of a build with {@code label} as {@link #queued} counts it (warm capacity's forecast learns per
     * template by it); empty when no template of the cloud takes such builds.
     */
    static java.util.Optional<String> arrivalKey(SpotCloud c, hudson.model.Label label) {
        SpotAgentTemplate t = c.templateFor(label);
        return t == null ? java.util.Optional.empty() : java.util.Optional.of(demandKey(c, t));
    }

    private static String demandKey(SpotCloud c, SpotAgentTemplate t) {
        for (hudson.model.labels.LabelAtom atom : t.labelAtoms()) {
            if (c.templateFor(atom) == t) {
                return atom.getName();
            }
        }
        return "";
    }

    static List<AgentReport> reports(SpotCloud c, SpotEngine e) {
        List<AgentReport> reports = new ArrayList<>();
        Set<String> inJenkins = new HashSet<>();
        for (SpotAgent a : c.agents()) {
            Computer comp = a.toComputer();
            inJenkins.add(a.getInstanceId());
            // When it came online, so the launch latency and the boot-time breakdown are not a step late.
            reports.add(comp instanceof SpotComputer sc ? new AgentReport(a.getInstanceId(), comp.isOnline(),
                    comp.countBusy(), estimatedRemaining(comp), sc.usesTaken(), sc.onlineSince())
                    : new AgentReport(a.getInstanceId(), false, 0, List.of(), a.getBuildsAccepted()));
        }
        // A drained agent whose node was removed has no work left: its instance can go now.
        e.agents().stream().filter(a -> a.state() == AgentState.DRAINING)
                .filter(a -> !inJenkins.contains(a.instanceId()))
                .forEach(a -> reports.add(new AgentReport(a.instanceId(), false, 0)));
        return reports;
    }

    /** Jenkins' estimate of the remaining time of each busy executor that has one. */
    private static List<Duration> estimatedRemaining(Computer c) {
        List<Duration> out = new ArrayList<>();
        for (Executor e : c.getExecutors()) {
            if (e.isBusy()) {
                long remaining = e.getEstimatedRemainingTimeMillis();
                if (remaining > 0) {
                    out.add(Duration.ofMillis(remaining));
                }
            }
        }
        return out;
    }
}
