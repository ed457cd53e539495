package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.labels.LabelAtom;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.AgentUserData;
import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.CloudIdentity;
import io.jenkins.plugins.awsdelivery.core.spot.IdentityCertificates;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceTypeWeight;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.spot.SqsInterruptionSource;
import io.jenkins.plugins.awsdelivery.core.spot.TagText;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A cloud of Jenkins agents on EC2 Spot capacity. It holds configuration only; {@link SpotCloudRuntime} drives
 * core's {@code SpotEngine} with it, from {@link SpotMaintenance} and {@link SpotProvisionerStrategy}.
 */
public final class SpotCloud extends Cloud {

    private String region;
    private String credentialsId;
    private String roleArn;
    private String externalId;
    private String launchTemplate;
    private String launchTemplateVersion;
    private String amiId;
    private String instanceProfile;
    private String securityGroupIds;
    private String initScript;
    private String instanceTypes = "";
    private int minVcpu;
    private int maxVcpu;
    private int minMemoryMiB;
    private int maxMemoryMiB;
    private String subnetIds = "";
    private String labelString = "";
    private int numExecutors = 1;
    private String remoteFs = "/opt/jenkins-agent";
    private String jvmOptions;
    private int minAgents;
    private int maxAgents = 10;
    private int onDemandBase;
    private String allocationStrategy = AllocationStrategy.PRICE_CAPACITY_OPTIMIZED.apiValue();
    private String maxSpotPrice;
    private boolean onDemandFallback = true;
    private int idleMinutes = 10;
    /** Warm capacity's budget (issue 17): every limit off at 0, and warm capacity off while all are. */
    private double warmBudgetPercent;
    private double warmBudgetUsdPerDay;
    private int warmMaxIdleAgents;
    private int connectTimeoutMinutes = 10;
    private String interruptionQueueUrl;
    private String tags;
    private String connection = "inbound";
    private String sshCredentialsId;
    private int sshPort = 22;
    private String keyName;
    private String identityCertificates;
    /** Names this cloud had before it was renamed: its instances still tagged with them are taken over. */
    private ArrayList<String> formerNames;

    @DataBoundConstructor
    public SpotCloud(String name) {
        super(name);
    }

    /**
     * The boot script of this cloud's inbound agents. With an AMI the cloud puts it in its own launch template;
     * with a launch template of yours, put it in the template's user data (the cloud's page shows it).
     */
    public String getBootstrapScript() {
        try {
            return AgentUserData.render(Jenkins.get().getRootUrl(), name, remoteFs, jvmOptions, initScript);
        } catch (StageException e) {
            return "# " + e.describe();
        }
    }

    /** True when agents connect over SSH (the SSH Build Agents plugin) instead of inbound. */
    public boolean usesSsh() {
        return "ssh".equals(connection);
    }

    /** The user data of the cloud's own launch template: the inbound bootstrap, or the init script for SSH. */
    private String userData() {
        if (usesSsh()) {
            return initScript == null ? null : "#!/bin/bash\n" + initScript.strip() + "\n";
        }
        return AgentUserData.render(Jenkins.get().getRootUrl(), name, remoteFs, jvmOptions, initScript);
    }

    /** The engine's configuration; throws {@link StageException} naming the first wrong field. */
    public SpotFleetConfig toConfig(String controllerId) {
        SpotFleetConfig.Builder b = SpotFleetConfig.builder(name, controllerId);
        if (launchTemplate != null) {
            if (launchTemplate.startsWith("lt-")) {
                b.launchTemplateId(launchTemplate);
            } else {
                b.launchTemplateName(launchTemplate);
            }
            b.launchTemplateVersion(launchTemplateVersion);
        } else {
            b.ami(amiId, instanceProfile, ListParameters.split(securityGroupIds), amiId == null ? null : userData());
            b.keyName(keyName);
        }
        if (minVcpu > 0) {
            b.instanceRequirements(new io.jenkins.plugins.awsdelivery.core.spot.InstanceRequirementsSpec(minVcpu,
                    maxVcpu, minMemoryMiB, maxMemoryMiB));
        } else {
            b.instanceTypes(ListParameters.split(instanceTypes).stream().map(InstanceTypeWeight::parse).toList());
        }
        b.subnetIds(ListParameters.split(subnetIds))
                .capacity(minAgents, maxAgents, onDemandBase)
                .executorsPerAgent(numExecutors)
                .allocationStrategy(AllocationStrategy.parse(allocationStrategy))
                .onDemandFallback(onDemandFallback)
                .idleTimeout(java.time.Duration.ofMinutes(idleMinutes))
                .connectTimeout(java.time.Duration.ofMinutes(connectTimeoutMinutes))
                .labels(Set.copyOf(ListParameters.split(labelString)))
                .tags(TagText.parse(tags));
        if (maxSpotPrice != null) {
            b.maxSpotPrice(SpotFleetConfig.parsePrice(maxSpotPrice));
        }
        b.warmCapacity(new io.jenkins.plugins.awsdelivery.core.spot.WarmCapacityBudget(warmBudgetPercent,
                warmBudgetUsdPerDay, warmMaxIdleAgents));
        return b.build();
    }

    /** The labels this cloud's agents carry. */
    Set<LabelAtom> labelAtoms() {
        return Label.parse(labelString);
    }

    @Override
    public boolean canProvision(CloudState state) {
        Label label = state.getLabel();
        return label == null ? labelString == null || labelString.isBlank() : label.matches(labelAtoms());
    }

    /**
     * Records the demand and returns planned nodes at once; the cloud's own thread launches the instances and
     * completes them. Jenkins calls this under its provisioner's lock, so nothing here calls EC2 or waits.
     */
    @Override
    public Collection<NodeProvisioner.PlannedNode> provision(CloudState state, int excessWorkload) {
        return SpotCloudRuntime.of(this).provision(excessWorkload);
    }

    /** A rename on the configuration page keeps the former name, so the cloud takes over its instances. */
    @Override
    public Cloud reconfigure(@NonNull org.kohsuke.stapler.StaplerRequest2 req, net.sf.json.JSONObject form)
            throws Descriptor.FormException {
        Cloud result = super.reconfigure(req, form);
        if (result instanceof SpotCloud renamed && !renamed.name.equals(name)) {
            renamed.formerNames = new ArrayList<>(formerNames());
            renamed.formerNames.remove(renamed.name);
            renamed.formerNames.add(name);
        }
        return result;
    }

    /** Former names of this cloud (empty unless renamed). */
    List<String> formerNames() {
        return formerNames == null ? List.of() : formerNames;
    }

    /** What makes this the same cloud across saves (see {@link CloudIdentity}). */
    CloudIdentity identity(String controllerId) {
        return new CloudIdentity(name, controllerId, region == null ? "" : region,
                (credentialsId == null ? "" : credentialsId) + "|" + (roleArn == null ? "" : roleArn) + "|"
                        + (externalId == null ? "" : externalId));
    }

    /** PEM certificates trusted to sign instance identity documents besides AWS's bundled ones. */
    public String getIdentityCertificates() {
        return identityCertificates;
    }

    @DataBoundSetter
    public void setIdentityCertificates(String identityCertificates) {
        this.identityCertificates = Util.fixEmptyAndTrim(identityCertificates);
    }

    public SpotCloudRuntime getRuntime() {
        return SpotCloudRuntime.of(this);
    }

    public String getRegion() {
        return region;
    }

    @DataBoundSetter
    public void setRegion(String region) {
        this.region = Util.fixEmptyAndTrim(region);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getRoleArn() {
        return roleArn;
    }

    @DataBoundSetter
    public void setRoleArn(String roleArn) {
        this.roleArn = Util.fixEmptyAndTrim(roleArn);
    }

    public String getExternalId() {
        return externalId;
    }

    @DataBoundSetter
    public void setExternalId(String externalId) {
        this.externalId = Util.fixEmptyAndTrim(externalId);
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

    public String getSubnetIds() {
        return subnetIds;
    }

    @DataBoundSetter
    public void setSubnetIds(String subnetIds) {
        this.subnetIds = Util.fixNull(subnetIds).trim();
    }

    public String getLabelString() {
        return labelString;
    }

    @DataBoundSetter
    public void setLabelString(String labelString) {
        this.labelString = Util.fixNull(labelString).trim();
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
        this.remoteFs = Util.fixEmptyAndTrim(remoteFs) == null ? "/opt/jenkins-agent" : remoteFs.trim();
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
        this.maxAgents = Math.max(1, maxAgents);
    }

    public int getOnDemandBase() {
        return onDemandBase;
    }

    @DataBoundSetter
    public void setOnDemandBase(int onDemandBase) {
        this.onDemandBase = Math.max(0, onDemandBase);
    }

    public String getAllocationStrategy() {
        return allocationStrategy;
    }

    @DataBoundSetter
    public void setAllocationStrategy(String allocationStrategy) {
        this.allocationStrategy = AllocationStrategy.parse(allocationStrategy).apiValue();
    }

    public String getMaxSpotPrice() {
        return maxSpotPrice;
    }

    @DataBoundSetter
    public void setMaxSpotPrice(String maxSpotPrice) {
        this.maxSpotPrice = Util.fixEmptyAndTrim(maxSpotPrice);
    }

    public boolean isOnDemandFallback() {
        return onDemandFallback;
    }

    @DataBoundSetter
    public void setOnDemandFallback(boolean onDemandFallback) {
        this.onDemandFallback = onDemandFallback;
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @DataBoundSetter
    public void setIdleMinutes(int idleMinutes) {
        this.idleMinutes = Math.max(1, idleMinutes);
    }

    public int getConnectTimeoutMinutes() {
        return connectTimeoutMinutes;
    }

    @DataBoundSetter
    public void setConnectTimeoutMinutes(int connectTimeoutMinutes) {
        this.connectTimeoutMinutes = Math.max(1, connectTimeoutMinutes);
    }

    public String getInterruptionQueueUrl() {
        return interruptionQueueUrl;
    }

    @DataBoundSetter
    public void setInterruptionQueueUrl(String interruptionQueueUrl) {
        this.interruptionQueueUrl = Util.fixEmptyAndTrim(interruptionQueueUrl);
    }

    public String getTags() {
        return tags;
    }

    @DataBoundSetter
    public void setTags(String tags) {
        this.tags = Util.fixEmptyAndTrim(tags);
    }

    public String getConnection() {
        return connection;
    }

    @DataBoundSetter
    public void setConnection(String connection) {
        String c = Util.fixEmptyAndTrim(connection);
        if (c != null && !c.equals("inbound") && !c.equals("ssh")) {
            throw StageException.invalidInput("Agent connection '" + connection + "' is unknown.",
                    "Use inbound (WebSocket, the default) or ssh.");
        }
        this.connection = c == null ? "inbound" : c;
    }

    public String getSshCredentialsId() {
        return sshCredentialsId;
    }

    @DataBoundSetter
    public void setSshCredentialsId(String sshCredentialsId) {
        this.sshCredentialsId = Util.fixEmptyAndTrim(sshCredentialsId);
    }

    public int getSshPort() {
        return sshPort;
    }

    @DataBoundSetter
    public void setSshPort(int sshPort) {
        this.sshPort = sshPort <= 0 ? 22 : sshPort;
    }

    public String getKeyName() {
        return keyName;
    }

    @DataBoundSetter
    public void setKeyName(String keyName) {
        this.keyName = Util.fixEmptyAndTrim(keyName);
    }

    public double getWarmBudgetPercent() {
        return warmBudgetPercent;
    }

    /** Warm capacity at most this percentage of the daily cost without it; 0 for no such limit. */
    @DataBoundSetter
    public void setWarmBudgetPercent(double percent) {
        this.warmBudgetPercent = Double.isNaN(percent) ? 0 : Math.max(0, Math.min(100, percent));
    }

    public double getWarmBudgetUsdPerDay() {
        return warmBudgetUsdPerDay;
    }

    /** Warm capacity at most this many USD over 24 hours; 0 for no such limit. */
    @DataBoundSetter
    public void setWarmBudgetUsdPerDay(double usd) {
        this.warmBudgetUsdPerDay = Double.isNaN(usd) || Double.isInfinite(usd) ? 0 : Math.max(0, usd);
    }

    public int getWarmMaxIdleAgents() {
        return warmMaxIdleAgents;
    }

    /** At most this many warm agents at once; 0 for no such limit. */
    @DataBoundSetter
    public void setWarmMaxIdleAgents(int agents) {
        this.warmMaxIdleAgents = Math.max(0, agents);
    }

    @Extension
    @Symbol("awsSpot")
    public static final class DescriptorImpl extends Descriptor<Cloud> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SpotCloud_DisplayName();
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return new ListBoxModel();
            }
            return AwsCredentialsLookup.listForGlobalConfiguration(credentialsId);
        }

        @POST
        public ListBoxModel doFillAllocationStrategyItems() {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            ListBoxModel m = new ListBoxModel();
            for (AllocationStrategy s : AllocationStrategy.values()) {
                m.add(s.apiValue());
            }
            return m;
        }

        @POST
        public ListBoxModel doFillConnectionItems() {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            ListBoxModel m = new ListBoxModel();
            m.add("Inbound over WebSocket (no SSH key)", "inbound");
            m.add("SSH (SSH Build Agents plugin)", "ssh");
            return m;
        }

        @POST
        public FormValidation doCheckConnection(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if ("ssh".equals(value) && !SshConnection.available()) {
                return FormValidation.error("Install the SSH Build Agents plugin (ssh-slaves) to connect over SSH.");
            }
            return FormValidation.ok();
        }

        @POST
        public ListBoxModel doFillSshCredentialsIdItems(@QueryParameter String sshCredentialsId) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return new com.cloudbees.plugins.credentials.common.StandardListBoxModel()
                        .includeCurrentValue(sshCredentialsId);
            }
            return new com.cloudbees.plugins.credentials.common.StandardListBoxModel().includeEmptyValue()
                    .includeAs(hudson.security.ACL.SYSTEM2, Jenkins.get(),
                            com.cloudbees.plugins.credentials.common.StandardUsernameCredentials.class)
                    .includeCurrentValue(sshCredentialsId);
        }

        @POST
        public FormValidation doCheckRegion(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null
                    && AwsDeliveryStagesConfiguration.get().getDefaultRegion() == null) {
                return FormValidation.error("Give the region, or set a default region in the global configuration.");
            }
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok()
                    : AwsDeliveryStagesConfiguration.checkRegion(value);
        }

        @POST
        public FormValidation doCheckRoleArn(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return AwsDeliveryStagesConfiguration.checkRoleArn(value);
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
        public FormValidation doCheckSubnetIds(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            List<String> subnets = ListParameters.split(value);
            if (subnets.isEmpty()) {
                return FormValidation.error("Give one subnet in each Availability Zone the agents may use.");
            }
            try {
                subnets.forEach(SpotFleetConfig::checkSubnetId);
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckMaxSpotPrice(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok();
            }
            try {
                SpotFleetConfig.parsePrice(value);
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckInterruptionQueueUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok("Agents read interruption notices from instance metadata.");
            }
            try {
                SqsInterruptionSource.checkQueueUrl(value.trim());
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckIdentityCertificates(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                int n = IdentityCertificates.parse(value, "Extra identity certificates").size();
                return n == 0 ? FormValidation.ok() : FormValidation.ok(n + " certificate(s) added to AWS's");
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckTags(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                TagText.parse(value);
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        /**
         * Builds the engine configuration from the form and asks EC2 for a dry-run CreateFleet of one instance:
         * permissions, launch template, subnets and instance types are checked and nothing is launched.
         */
        @POST
        public FormValidation doTestConnection(@QueryParameter String name, @QueryParameter String region,
                                               @QueryParameter String credentialsId, @QueryParameter String roleArn,
                                               @QueryParameter String externalId,
                                               @QueryParameter String launchTemplate,
                                               @QueryParameter String launchTemplateVersion,
                                               @QueryParameter String amiId, @QueryParameter String instanceProfile,
                                               @QueryParameter String securityGroupIds,
                                               @QueryParameter String instanceTypes, @QueryParameter int minVcpu,
                                               @QueryParameter int maxVcpu, @QueryParameter int minMemoryMiB,
                                               @QueryParameter int maxMemoryMiB, @QueryParameter String subnetIds,
                                               @QueryParameter String allocationStrategy) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            SpotCloud c = new SpotCloud(Util.fixEmptyAndTrim(name) == null ? "test" : name.trim());
            c.setRegion(region);
            c.setCredentialsId(credentialsId);
            c.setRoleArn(roleArn);
            c.setExternalId(externalId);
            c.setLaunchTemplate(launchTemplate);
            c.setLaunchTemplateVersion(launchTemplateVersion);
            c.setAmiId(amiId);
            c.setInstanceProfile(instanceProfile);
            c.setSecurityGroupIds(securityGroupIds);
            c.setInstanceTypes(instanceTypes);
            c.setMinVcpu(minVcpu);
            c.setMaxVcpu(maxVcpu);
            c.setMinMemoryMiB(minMemoryMiB);
            c.setMaxMemoryMiB(maxMemoryMiB);
            c.setSubnetIds(subnetIds);
            try {
                c.setAllocationStrategy(allocationStrategy);
                return FormValidation.ok(SpotCloudRuntime.dryRun(c));
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }
    }

    /** Agents of this cloud now known to Jenkins. */
    List<SpotAgent> agents() {
        List<SpotAgent> out = new ArrayList<>();
        for (var node : Jenkins.get().getNodes()) {
            if (node instanceof SpotAgent a && name.equals(a.getCloudName())) {
                out.add(a);
            }
        }
        return out;
    }
}
