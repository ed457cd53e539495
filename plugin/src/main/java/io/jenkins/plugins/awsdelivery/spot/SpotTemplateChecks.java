package io.jenkins.plugins.awsdelivery.spot;

import hudson.Util;
import hudson.model.Descriptor;
import hudson.slaves.NodeProperty;
import hudson.tools.PropertyDescriptor;
import hudson.slaves.NodePropertyDescriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.AgentPlatform;
import io.jenkins.plugins.awsdelivery.core.spot.AgentTemplate;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceTypeWeight;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Form validation of a {@link SpotAgentTemplate}: every check needs Administer and a POST, and reuses the checks
 * of core's {@code AgentTemplate}, so the form says what the engine would refuse.
 */
public abstract class SpotTemplateChecks extends Descriptor<SpotAgentTemplate> {

    protected SpotTemplateChecks() {
        super(SpotAgentTemplate.class);
    }

    /** "linux" or "windows" from any case; throws an invalid-input error naming the value otherwise. */
    static String platform(String value) {
        return AgentPlatform.parse(value).fieldValue();
    }

    /** Node properties an agent may carry (environment variables, tool locations, ...). */
    public List<NodePropertyDescriptor> getNodePropertyDescriptors() {
        return PropertyDescriptor.for_(NodeProperty.all(), SpotAgent.class);
    }

    @POST
    public FormValidation doCheckName(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            AgentTemplate.checkName(Util.fixNull(value).trim());
            return FormValidation.ok();
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
    }

    @POST
    public ListBoxModel doFillPlatformItems() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        ListBoxModel m = new ListBoxModel();
        m.add("Linux", "linux");
        m.add("Windows", "windows");
        return m;
    }

    @POST
    public FormValidation doCheckLabelString(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String labels = Util.fixEmptyAndTrim(value);
        if (labels == null) {
            return FormValidation.ok("Agents take builds without a label, when this is the cloud's first template.");
        }
        if (labels.contains("&&") || labels.contains("||") || labels.contains("!") || labels.contains("(")) {
            return FormValidation.error("Give label names separated by spaces; label expressions belong in jobs.");
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckAmiId(@QueryParameter String value, @QueryParameter String launchTemplate) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        boolean ami = Util.fixEmptyAndTrim(value) != null;
        boolean lt = Util.fixEmptyAndTrim(launchTemplate) != null;
        if (ami && lt) {
            return FormValidation.error("Give a launch template or an AMI, not both.");
        }
        if (!ami && !lt) {
            return FormValidation.error("Give a launch template or an AMI.");
        }
        if (ami && !value.trim().startsWith("ami-")) {
            return FormValidation.error("An AMI ID starts with ami-.");
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckInstanceTypes(@QueryParameter String value, @QueryParameter int minVcpu) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<String> types = ListParameters.split(value);
        if (types.isEmpty()) {
            return minVcpu > 0 ? FormValidation.ok()
                    : FormValidation.error("List instance types, or give a vCPU range below.");
        }
        try {
            types.forEach(InstanceTypeWeight::parse);
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
        return types.size() < 3 ? FormValidation.warning("AWS recommends many instance types across families "
                + "(6 or more): more pools, fewer capacity errors and interruptions.") : FormValidation.ok();
    }

    @POST
    public FormValidation doCheckRemoteFs(@QueryParameter String value, @QueryParameter String platform) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String dir = Util.fixEmptyAndTrim(value);
        if (dir == null) {
            return FormValidation.ok("Default: " + ("windows".equals(platform) ? "C:\\jenkins\\agent"
                    : "/opt/jenkins-agent"));
        }
        boolean windowsPath = dir.matches("^[A-Za-z]:\\\\.*");
        if ("windows".equals(platform) != windowsPath) {
            return FormValidation.warning("windows".equals(platform)
                    ? "A Windows directory looks like C:\\jenkins\\agent." : "A Linux directory starts with /.");
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckMaxTotalUses(@QueryParameter int value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (value < 0) {
            return FormValidation.error("Give 0 (unlimited) or a number of builds.");
        }
        return value == 1 ? FormValidation.ok("Single-use agents: each runs one build, then is terminated.")
                : FormValidation.ok();
    }

    @POST
    public FormValidation doCheckMaxAgents(@QueryParameter int value, @QueryParameter int minAgents) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (value == 0) {
            return FormValidation.ok("No limit of its own: the cloud-wide maximum holds.");
        }
        return value < minAgents ? FormValidation.error("The maximum is below the minimum (" + minAgents + ").")
                : FormValidation.ok();
    }

    /**
     * Builds the engine configuration of a cloud with only this template, from the form, and asks EC2 for a
     * dry-run CreateFleet of one instance: permissions, launch template or AMI, subnets and instance types are
     * checked and nothing is launched.
     */
    @POST
    public FormValidation doTestConnection(@QueryParameter String region, @QueryParameter String credentialsId,
                                           @QueryParameter String roleArn, @QueryParameter String externalId,
                                           @QueryParameter String subnetIds,
                                           @QueryParameter String allocationStrategy, @QueryParameter String name,
                                           @QueryParameter String platform, @QueryParameter String launchTemplate,
                                           @QueryParameter String launchTemplateVersion,
                                           @QueryParameter String amiId, @QueryParameter String instanceProfile,
                                           @QueryParameter String securityGroupIds,
                                           @QueryParameter String instanceTypes, @QueryParameter int minVcpu,
                                           @QueryParameter int maxVcpu, @QueryParameter int minMemoryMiB,
                                           @QueryParameter int maxMemoryMiB) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            SpotAgentTemplate t = new SpotAgentTemplate(name);
            t.setPlatform(platform);
            t.setLaunchTemplate(launchTemplate);
            t.setLaunchTemplateVersion(launchTemplateVersion);
            t.setAmiId(amiId);
            t.setInstanceProfile(instanceProfile);
            t.setSecurityGroupIds(securityGroupIds);
            t.setInstanceTypes(instanceTypes);
            t.setMinVcpu(minVcpu);
            t.setMaxVcpu(maxVcpu);
            t.setMinMemoryMiB(minMemoryMiB);
            t.setMaxMemoryMiB(maxMemoryMiB);
            SpotCloud c = new SpotCloud("test");
            c.setRegion(region);
            c.setCredentialsId(credentialsId);
            c.setRoleArn(roleArn);
            c.setExternalId(externalId);
            c.setSubnetIds(subnetIds);
            c.setAllocationStrategy(allocationStrategy);
            c.setTemplates(List.of(t));
            return FormValidation.ok(SpotCloudRuntime.dryRun(c));
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
    }
}
