package io.jenkins.plugins.awsdelivery.spot;

import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.slaves.ComputerLauncher;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.Agent;
import io.jenkins.plugins.awsdelivery.core.spot.EngineStep;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.PendingDemand;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import jenkins.model.Jenkins;

/**
 * Mirrors an engine step into Jenkins, on the cloud's own thread: a launched agent fills the oldest planned node
 * Jenkins is waiting for (Jenkins adds it) or is added directly; retiring agents go offline with the reason;
 * terminated and lost ones are removed.
 */
final class SpotNodes {

    private final Consumer<String> log;

    SpotNodes(Consumer<String> log) {
        this.log = log;
    }

    void mirror(SpotCloud cloud, SpotEngine engine, EngineStep step,
                Function<String, PendingDemand<CompletableFuture<Node>>> pending) {
        List<Agent> added = new ArrayList<>(step.launched());
        added.addAll(step.adopted());
        for (Agent a : added) {
            Node existing = Jenkins.get().getNode(a.instanceId());
            if (existing instanceof SpotAgent moved && !moved.getCloudName().equals(cloud.name)
                    && cloud.formerNames().contains(moved.getCloudName())) {
                try {
                    String from = moved.getCloudName();
                    moved.moveTo(cloud.name);
                    Jenkins.get().updateNode(moved);
                    log.accept("Agent " + a.instanceId() + " moved from cloud " + from + " to " + cloud.name);
                } catch (IOException e) {
                    log.accept("Could not move agent " + a.instanceId() + " to cloud " + cloud.name + ": " + e);
                }
            }
            if (existing != null) {
                continue; // an agent kept across a restart, or renamed with its cloud, known to the engine again
            }
            try {
                SpotAgentTemplate template = template(cloud, a);
                SpotAgent node = new SpotAgent(cloud, template, a, launcher(cloud, template, engine, a));
                var planned = a.adopted() ? java.util.Optional.<CompletableFuture<Node>>empty()
                        : pending.apply(template.getName()).fill();
                if (planned.isPresent()) {
                    planned.get().complete(node);
                } else {
                    Jenkins.get().addNode(node);
                }
                log.accept((a.adopted() ? "Adopted " : "Launched ") + a);
            } catch (IOException | Descriptor.FormException e) {
                log.accept("Could not add agent " + a.instanceId() + ": " + e);
            } catch (StageException e) {
                log.accept("Could not add agent " + a.instanceId() + ": " + e.describe());
            }
        }
        for (Agent a : step.retiring()) {
            Computer c = computer(a.instanceId());
            if (c != null) {
                c.setTemporaryOfflineCause(new SpotOfflineCause(retiringBecause(cloud, c)));
            }
        }
        List<Agent> gone = new ArrayList<>(step.terminated());
        gone.addAll(step.lost());
        for (Agent a : gone) {
            remove(a.instanceId(), (step.lost().contains(a) ? "Lost " : "Terminated ") + a);
        }
        step.messages().forEach(log);
    }

    /** The agent's template; an instance of a template since removed gets the first one (core does the same). */
    private static SpotAgentTemplate template(SpotCloud cloud, Agent a) {
        SpotAgentTemplate t = cloud.template(a.templateName());
        return t != null ? t : cloud.getTemplates().get(0);
    }

    private static String retiringBecause(SpotCloud cloud, Computer c) {
        if (c.getNode() instanceof SpotAgent agent && agent.getMaxTotalUses() > 0
                && agent.getBuildsAccepted() >= agent.getMaxTotalUses()) {
            return "Took its " + agent.getMaxTotalUses() + " build(s): this Spot agent is being removed";
        }
        SpotAgentTemplate t = c.getNode() instanceof SpotAgent agent ? agent.getTemplate() : null;
        return t == null ? "This Spot agent is being removed"
                : "Idle for " + t.getIdleMinutes() + " min: this Spot agent is being removed";
    }

    private static ComputerLauncher launcher(SpotCloud cloud, SpotAgentTemplate template, SpotEngine engine,
                                             Agent a) {
        if (!cloud.usesSsh()) {
            return SpotAgent.inbound();
        }
        if (!SshConnection.available()) {
            throw StageException.invalidInput("Cloud " + cloud.name + " connects over SSH, but the SSH Build Agents "
                    + "plugin is not installed.", "Install it, or use inbound agents.");
        }
        // The private address is known as soon as the instance exists, long before SSH answers.
        String host = engine.describe(a.instanceId()).map(FleetApi.ManagedInstance::privateIp).orElse(null);
        if (host == null) {
            throw StageException.invalidInput("EC2 reports no private address for " + a.instanceId() + ".",
                    "Check the cloud's subnets.");
        }
        return SshConnection.launcher(host, cloud.getSshPort(), cloud.getSshCredentialsId(),
                template.getJvmOptions());
    }

    static Computer computer(String instanceId) {
        Node n = Jenkins.get().getNode(instanceId);
        return n instanceof SpotAgent ? n.toComputer() : null;
    }

    void remove(String instanceId, String message) {
        Node n = Jenkins.get().getNode(instanceId);
        if (n instanceof SpotAgent) {
            try {
                Jenkins.get().removeNode(n);
                log.accept(message);
            } catch (IOException e) {
                log.accept("Could not remove agent " + instanceId + ": " + e);
            }
        }
    }
}
