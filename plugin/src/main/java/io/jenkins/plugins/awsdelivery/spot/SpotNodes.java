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

    void mirror(SpotCloud cloud, SpotEngine engine, EngineStep step, PendingDemand<CompletableFuture<Node>> pending) {
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
                SpotAgent node = new SpotAgent(cloud, a, launcher(cloud, engine, a));
                var planned = a.adopted() ? java.util.Optional.<CompletableFuture<Node>>empty() : pending.fill();
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
                c.setTemporaryOfflineCause(new SpotOfflineCause("Idle for " + cloud.getIdleMinutes()
                        + " min: this Spot agent is being removed"));
            }
        }
        List<Agent> gone = new ArrayList<>(step.terminated());
        gone.addAll(step.lost());
        for (Agent a : gone) {
            remove(a.instanceId(), (step.lost().contains(a) ? "Lost " : "Terminated ") + a);
        }
        step.messages().forEach(log);
    }

    private static ComputerLauncher launcher(SpotCloud cloud, SpotEngine engine, Agent a) {
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
        return SshConnection.launcher(host, cloud.getSshPort(), cloud.getSshCredentialsId(), cloud.getJvmOptions());
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
