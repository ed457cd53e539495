package io.jenkins.plugins.awsdelivery.spot;

import hudson.model.Node;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer;
import java.util.Optional;
import jenkins.model.Jenkins;

/**
 * The agents of one cloud as the secret issuer sees them. "Secret handed out" is saved on the agent's node, so it
 * survives a restart and any save of the cloud, and goes away with the node.
 */
final class SpotAgentLedger implements AgentSecretIssuer.AgentLedger {

    private final String cloudName;

    SpotAgentLedger(String cloudName) {
        this.cloudName = cloudName;
    }

    private SpotAgent agent(String instanceId) {
        Node n = Jenkins.get().getNode(instanceId);
        return n instanceof SpotAgent a && cloudName.equals(a.getCloudName()) ? a : null;
    }

    @Override
    public Optional<String> secret(String instanceId) {
        SpotAgent a = agent(instanceId);
        return a != null && a.toComputer() instanceof SlaveComputer c ? Optional.of(c.getJnlpMac()) : Optional.empty();
    }

    @Override
    public boolean issued(String instanceId) {
        SpotAgent a = agent(instanceId);
        return a != null && a.isSecretIssued();
    }

    @Override
    public void markIssued(String instanceId) throws Exception {
        SpotAgent a = agent(instanceId);
        if (a == null) {
            throw new IllegalStateException("agent " + instanceId + " was removed");
        }
        a.markSecretIssued(true);
        try {
            Jenkins.get().updateNode(a);
        } catch (Exception | Error e) {
            // Not saved, so not handed out (the issuer refuses): the instance may ask again.
            a.markSecretIssued(false);
            throw e;
        }
    }
}
