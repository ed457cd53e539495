package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.Cloud;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.JNLPLauncher;
import io.jenkins.plugins.awsdelivery.core.spot.Agent;
import java.io.IOException;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * A Jenkins agent on one EC2 instance of a {@link SpotCloud}. Named after the instance ID; it stores only the
 * cloud's name and the instance's facts, and finds the rest through the cloud. Connects inbound over WebSocket, or
 * over SSH to the instance's private address.
 */
public final class SpotAgent extends AbstractCloudSlave {

    private static final long serialVersionUID = 1L;

    private String cloudName;
    private final String instanceId;
    private final String market;
    private final String instanceType;
    private final String subnetId;
    /** True once the instance got its inbound secret (saved with the node: once per instance, across restarts). */
    private volatile boolean secretIssued;
    /** The template the agent was launched for; null for agents saved before templates (the first template). */
    private String templateName;
    /** Builds the agent may accept in all, from its template at launch; 0 is unlimited. */
    private int maxTotalUses;
    /** Builds the agent has accepted since it was launched (saved with the node, so a restart keeps the count). */
    private volatile int buildsAccepted;

    SpotAgent(SpotCloud cloud, SpotAgentTemplate template, Agent agent, ComputerLauncher launcher)
            throws Descriptor.FormException, IOException {
        super(agent.instanceId(), template.effectiveRemoteFs(), launcher);
        this.cloudName = cloud.name;
        this.templateName = template.getName();
        this.maxTotalUses = template.getMaxTotalUses();
        this.instanceId = agent.instanceId();
        this.market = agent.market().apiValue();
        this.instanceType = agent.pool().instanceType();
        this.subnetId = agent.pool().subnetId();
        setNodeDescription("EC2 " + market + " " + instanceType + " in " + subnetId + " (cloud " + cloudName
                + ", template " + templateName + ")");
        setNumExecutors(agent.executors());
        setLabelString(template.getLabelString());
        setMode(template.getLabelString().isEmpty() ? Mode.NORMAL : Mode.EXCLUSIVE);
        setRetentionStrategy(new SpotRetentionStrategy());
        setNodeProperties(template.nodePropertyCopies());
    }

    /** The inbound launcher: the agent connects itself over WebSocket. */
    static JNLPLauncher inbound() {
        JNLPLauncher l = new JNLPLauncher();
        l.setWebSocket(true);
        return l;
    }

    public String getCloudName() {
        return cloudName;
    }

    public String getInstanceId() {
        return instanceId;
    }

    /** "spot" or "on-demand". */
    public String getMarket() {
        return market;
    }

    public String getInstanceType() {
        return instanceType;
    }

    public String getSubnetId() {
        return subnetId;
    }

    /** The template the agent was launched for; "default" for an agent saved before templates (as core's Agent). */
    public String getTemplateName() {
        return templateName != null ? templateName : SpotAgentTemplate.DEFAULT_NAME;
    }

    /** The agent's template in the current configuration, or null when it was removed. */
    SpotAgentTemplate getTemplate() {
        SpotCloud cloud = getCloud();
        return cloud == null ? null : cloud.template(getTemplateName());
    }

    public int getMaxTotalUses() {
        return maxTotalUses;
    }

    public int getBuildsAccepted() {
        return buildsAccepted;
    }

    /** One more build accepted ({@link SpotComputer#taskAccepted}); the caller saves the node. */
    void acceptedOne() {
        buildsAccepted++;
    }

    /**
     * An agent whose builds are spent takes no more; {@link SpotComputer} also counts executors given work in
     * the same queue pass, before any of them accepted it.
     */
    @Override
    public CauseOfBlockage canTake(Queue.BuildableItem item) {
        if (toComputer() instanceof SpotComputer c && !c.hasUsesLeft()) {
            return new UsesSpent(maxTotalUses);
        }
        return super.canTake(item);
    }

    /** Why a build does not go to an agent that ran its builds. */
    static final class UsesSpent extends CauseOfBlockage {
        private final int uses;

        UsesSpent(int uses) {
            this.uses = uses;
        }

        @Override
        public String getShortDescription() {
            return "This Spot agent has taken its " + uses + " build(s) and is going away";
        }
    }

    /** The cloud was renamed and took this agent's instance over. */
    void moveTo(String newCloudName) {
        setNodeDescription(getNodeDescription().replace("(cloud " + cloudName + ")", "(cloud " + newCloudName + ")"));
        cloudName = newCloudName;
    }

    boolean isSecretIssued() {
        return secretIssued;
    }

    void markSecretIssued(boolean issued) {
        secretIssued = issued;
    }

    /** The cloud, or null when it was removed from the configuration. */
    public SpotCloud getCloud() {
        Cloud c = Jenkins.get().getCloud(cloudName);
        return c instanceof SpotCloud s ? s : null;
    }

    /**
     * The agent's configure page shows its facts only ({@code configure-entries.jelly}): everything comes from the
     * cloud, and the agent has no form to bind. Saving that page keeps the agent as it is.
     */
    @Override
    public Node reconfigure(@NonNull StaplerRequest2 req, JSONObject form) {
        return form == null ? null : this;
    }

    @Override
    public AbstractCloudComputer<SpotAgent> createComputer() {
        return new SpotComputer(this);
    }

    @Override
    protected void _terminate(TaskListener listener) {
        SpotCloud cloud = getCloud();
        SpotCloudRuntime runtime = cloud != null ? cloud.getRuntime() : SpotCloudRuntime.forCloudName(cloudName);
        if (runtime == null) {
            String why = "cloud " + cloudName + " no longer exists";
            listener.getLogger().println("Cannot terminate instance " + instanceId + ": " + why
                    + ". Terminate it in the EC2 console.");
            SpotTerminationMonitor.get().record(instanceId, why);
            return;
        }
        runtime.terminate(instanceId);
    }

    @Extension
    public static final class DescriptorImpl extends SlaveDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SpotAgent_DisplayName();
        }

        @Override
        public boolean isInstantiable() {
            return false;
        }
    }
}
