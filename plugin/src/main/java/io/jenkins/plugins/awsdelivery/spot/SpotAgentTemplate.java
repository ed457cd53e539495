package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.Saveable;
import hudson.model.labels.LabelAtom;
import hudson.slaves.NodeProperty;
import hudson.slaves.NodePropertyDescriptor;
import hudson.util.DescribableList;
import io.jenkins.plugins.awsdelivery.core.spot.AgentPlatform;
import io.jenkins.plugins.awsdelivery.core.spot.AgentTemplate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * One kind of agent of a {@link SpotCloud}: its labels, what EC2 launches for it (launch template or AMI, instance
 * types or vCPU/memory ranges), its executors, limits, idle timeout, maximum number of builds and the node
 * properties every agent of it gets. The engine plans each template on its own under the cloud-wide maximum.
 */
public final class SpotAgentTemplate extends AbstractDescribableImpl<SpotAgentTemplate> {

    /** The name of the only template of a configuration saved before templates existed. */
    public static final String DEFAULT_NAME = AgentTemplate.DEFAULT_NAME;

    private final String name;
    private String labelString = "";
    private String platform = "linux";
    private String launchTemplate;
    private String launchTemplateVersion;
    private String amiId;
    private String instanceProfile;
    private String securityGroupIds;
    private String keyName;
    private String initScript;
    private String instanceTypes = "";
    private int minVcpu;
    private int maxVcpu;
    private int minMemoryMiB;
    private int maxMemoryMiB;
    private int numExecutors = 1;
    /** Null: the platform's default directory. */
    private String remoteFs;
    private String jvmOptions;
    private int minAgents;
    /** 0: no limit of its own, only the cloud-wide maximum. */
    private int maxAgents;
    private int idleMinutes = 10;
    /** Builds an agent accepts before it drains and goes away; 0 is unlimited. */
    private int maxTotalUses;
    private DescribableList<NodeProperty<?>, NodePropertyDescriptor> nodeProperties =
            new DescribableList<>(Saveable.NOOP);

    @DataBoundConstructor
    public SpotAgentTemplate(String name) {
        this.name = Util.fixEmptyAndTrim(name) == null ? DEFAULT_NAME : name.trim();
    }

    protected Object readResolve() {
        if (nodeProperties == null) {
            nodeProperties = new DescribableList<>(Saveable.NOOP);
        }
        if (labelString == null) {
            labelString = "";
        }
        if (instanceTypes == null) {
            instanceTypes = "";
        }
        if (platform == null) {
            platform = "linux";
        }
        return this;
    }

    public String getName() {
        return name;
    }

    /** The labels this template's agents carry. */
    Set<LabelAtom> labelAtoms() {
        return Label.parse(labelString);
    }

    /** True when builds with this label (null: no label) run on this template's agents. */
    boolean matches(Label label) {
        return label == null ? labelString.isBlank() : label.matches(labelAtoms());
    }

    boolean isWindows() {
        return "windows".equals(platform);
    }

    /** The agents' root directory: the one given, or the platform's default. */
    String effectiveRemoteFs() {
        return remoteFs != null ? remoteFs : AgentPlatform.parse(platform).defaultRemoteFs();
    }

    /** Copies of the node properties for one new agent: agents never share a property object. */
    List<NodeProperty<?>> nodePropertyCopies() {
        List<NodeProperty<?>> out = new ArrayList<>();
        for (NodeProperty<?> p : nodeProperties) {
            out.add((NodeProperty<?>) Jenkins.XSTREAM2.fromXML(Jenkins.XSTREAM2.toXML(p)));
        }
        return out;
    }

    public String getLabelString() {
        return labelString;
    }

    @DataBoundSetter
    public void setLabelString(String labelString) {
        this.labelString = Util.fixNull(labelString).trim();
    }

    public String getPlatform() {
        return platform;
    }

    @DataBoundSetter
    public void setPlatform(String platform) {
        String p = Util.fixEmptyAndTrim(platform);
        this.platform = p == null ? "linux" : SpotTemplateChecks.platform(p);
    }

    public String getLaunchTemplate() {
        return launchTemplate;
    }

    @DataBoundSetter
    public void setLaunchTemplate(String launchTemplate) {
        this.launchTemplate = Util.fixEmptyAndTrim(launchTemplate);
    }

    public String getLaunchTemplateVersion() {
        return launchTemplateVersion;
    }

    @DataBoundSetter
    public void setLaunchTemplateVersion(String launchTemplateVersion) {
        this.launchTemplateVersion = Util.fixEmptyAndTrim(launchTemplateVersion);
    }

    public String getAmiId() {
        return amiId;
    }

    @DataBoundSetter
    public void setAmiId(String amiId) {
        this.amiId = Util.fixEmptyAndTrim(amiId);
    }

    public String getInstanceProfile() {
        return instanceProfile;
    }

    @DataBoundSetter
    public void setInstanceProfile(String instanceProfile) {
        this.instanceProfile = Util.fixEmptyAndTrim(instanceProfile);
    }

    public String getSecurityGroupIds() {
        return securityGroupIds;
    }

    @DataBoundSetter
    public void setSecurityGroupIds(String securityGroupIds) {
        this.securityGroupIds = Util.fixEmptyAndTrim(securityGroupIds);
    }

    public String getKeyName() {
        return keyName;
    }

    @DataBoundSetter
    public void setKeyName(String keyName) {
        this.keyName = Util.fixEmptyAndTrim(keyName);
    }

    public String getInitScript() {
        return initScript;
    }

    @DataBoundSetter
    public void setInitScript(String initScript) {
        this.initScript = Util.fixEmpty(initScript);
    }

    public String getInstanceTypes() {
        return instanceTypes;
    }

    @DataBoundSetter
    public void setInstanceTypes(String instanceTypes) {
        this.instanceTypes = Util.fixNull(instanceTypes).trim();
    }

    public int getMinVcpu() {
        return minVcpu;
    }

    @DataBoundSetter
    public void setMinVcpu(int minVcpu) {
        this.minVcpu = Math.max(0, minVcpu);
    }

    public int getMaxVcpu() {
        return maxVcpu;
    }

    @DataBoundSetter
    public void setMaxVcpu(int maxVcpu) {
        this.maxVcpu = Math.max(0, maxVcpu);
    }

    public int getMinMemoryMiB() {
        return minMemoryMiB;
    }

    @DataBoundSetter
    public void setMinMemoryMiB(int minMemoryMiB) {
        this.minMemoryMiB = Math.max(0, minMemoryMiB);
    }

    public int getMaxMemoryMiB() {
        return maxMemoryMiB;
    }

    @DataBoundSetter
    public void setMaxMemoryMiB(int maxMemoryMiB) {
        this.maxMemoryMiB = Math.max(0, maxMemoryMiB);
    }

    public int getNumExecutors() {
        return numExecutors;
    }

    @DataBoundSetter
    public void setNumExecutors(int numExecutors) {
        this.numExecutors = Math.max(1, numExecutors);
    }

    public String getRemoteFs() {
        return remoteFs;
    }

    @DataBoundSetter
    public void setRemoteFs(String remoteFs) {
        this.remoteFs = Util.fixEmptyAndTrim(remoteFs);
    }

    public String getJvmOptions() {
        return jvmOptions;
    }

    @DataBoundSetter
    public void setJvmOptions(String jvmOptions) {
        this.jvmOptions = Util.fixEmptyAndTrim(jvmOptions);
    }

    public int getMinAgents() {
        return minAgents;
    }

    @DataBoundSetter
    public void setMinAgents(int minAgents) {
        this.minAgents = Math.max(0, minAgents);
    }

    public int getMaxAgents() {
        return maxAgents;
    }

    @DataBoundSetter
    public void setMaxAgents(int maxAgents) {
        this.maxAgents = Math.max(0, maxAgents);
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @DataBoundSetter
    public void setIdleMinutes(int idleMinutes) {
        this.idleMinutes = Math.max(1, idleMinutes);
    }

    public int getMaxTotalUses() {
        return maxTotalUses;
    }

    @DataBoundSetter
    public void setMaxTotalUses(int maxTotalUses) {
        this.maxTotalUses = Math.max(0, maxTotalUses);
    }

    public DescribableList<NodeProperty<?>, NodePropertyDescriptor> getNodeProperties() {
        return nodeProperties;
    }

    @DataBoundSetter
    public void setNodeProperties(List<? extends NodeProperty<?>> nodeProperties) {
        try {
            this.nodeProperties.replaceBy(nodeProperties == null ? List.of() : nodeProperties);
        } catch (IOException e) {
            throw new IllegalStateException(e); // Saveable.NOOP never fails
        }
    }

    @Override
    public String toString() {
        return "template " + name;
    }

    @Extension
    public static final class DescriptorImpl extends SpotTemplateChecks {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SpotAgentTemplate_DisplayName();
        }
    }

    /** The descriptor's type, for the cloud's form. */
    static Descriptor<SpotAgentTemplate> descriptor() {
        return Jenkins.get().getDescriptorByType(DescriptorImpl.class);
    }
}
