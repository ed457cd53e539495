package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.CloudIdentity;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A cloud of Jenkins agents on EC2 Spot capacity, with one or more agent templates ({@link SpotAgentTemplate}).
 * It holds configuration only; {@link SpotCloudRuntime} drives core's {@code SpotEngine} with it, from
 * {@link SpotMaintenance} and {@link SpotProvisionerStrategy}. A configuration from before templates loads as one
 * template named "default" ({@link SpotCloudFlatFields}).
 */
public final class SpotCloud extends SpotCloudFlatFields {

    private static final Logger LOGGER = Logger.getLogger(SpotCloud.class.getName());

    /** The most templates a cloud may have (core's limit). */
    static final int MAX_TEMPLATES = 20;

    private String region;
    private String credentialsId;
    private String roleArn;
    private String externalId;
    private String subnetIds = "";
    private int maxAgents = 10;
    private int onDemandBase;
    private String allocationStrategy = AllocationStrategy.PRICE_CAPACITY_OPTIMIZED.apiValue();
    private String maxSpotPrice;
    private boolean onDemandFallback = true;
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
    private String identityCertificates;
    private List<SpotAgentTemplate> templates;
    /** Names this cloud had before it was renamed: its instances still tagged with them are taken over. */
    private ArrayList<String> formerNames;
    /** While being configured (JCasC, a script): which of the two forms was used, to refuse both at once. */
    private transient boolean templatesGiven;
    private transient String flatFieldGiven;

    @DataBoundConstructor
    public SpotCloud(String name) {
        super(name);
        templates = new ArrayList<>(List.of(new SpotAgentTemplate(SpotAgentTemplate.DEFAULT_NAME)));
    }

    /** A configuration saved before templates existed becomes one template "default", with the same agents. */
    protected Object readResolve() {
        SpotAgentTemplate flat = takeSavedFlatFields();
        if (templates == null || templates.isEmpty()) {
            templates = new ArrayList<>(List.of(flat != null ? flat
                    : new SpotAgentTemplate(SpotAgentTemplate.DEFAULT_NAME)));
        }
        return this;
    }

    public List<SpotAgentTemplate> getTemplates() {
        return templates;
    }

    /**
     * The agent templates, in order: unlabelled builds go to the first one, a label to the first template
     * carrying it. Refused together with the old per-template fields at the top level of the cloud.
     */
    @DataBoundSetter
    public void setTemplates(List<SpotAgentTemplate> templates) {
        if (flatFieldGiven != null) {
            throw bothForms(flatFieldGiven);
        }
        List<SpotAgentTemplate> given = templates == null ? List.of() : templates;
        Set<String> names = new HashSet<>();
        for (SpotAgentTemplate t : given) {
            if (!names.add(t.getName())) {
                throw StageException.invalidInput("Cloud " + name + " has two templates named " + t.getName() + ".",
                        "Give each template its own name.");
            }
        }
        if (given.size() > MAX_TEMPLATES) {
            throw StageException.invalidInput("Cloud " + name + " has " + given.size() + " templates.",
                    "Use " + MAX_TEMPLATES + " at most; make another cloud for more.");
        }
        this.templates = new ArrayList<>(given.isEmpty()
                ? List.of(new SpotAgentTemplate(SpotAgentTemplate.DEFAULT_NAME)) : given);
        templatesGiven = !given.isEmpty();
    }

    @Override
    protected SpotAgentTemplate flatTemplate(String field) {
        if (templatesGiven) {
            throw bothForms(field);
        }
        if (flatFieldGiven == null) {
            LOGGER.warning(() -> "Cloud " + name + ": '" + field + "' and the other agent fields at the top level of "
                    + "the cloud are deprecated; they describe the template \"default\". Move them under 'templates'.");
        }
        flatFieldGiven = field;
        return templates.get(0);
    }

    /** JCasC shows only "Failed to set attribute": the log says which form to keep. */
    private StageException bothForms(String field) {
        StageException e = StageException.invalidInput("Cloud " + name + " gives both 'templates' and the old "
                + "top-level field '" + field + "'.", "Move '" + field + "' and the other per-template fields into "
                + "a template under 'templates' (the old top-level form describes one template named \"default\").");
        LOGGER.warning(e::describe);
        return e;
    }

    /** The template of this name, or null. */
    public SpotAgentTemplate template(String templateName) {
        for (SpotAgentTemplate t : templates) {
            if (t.getName().equals(templateName)) {
                return t;
            }
        }
        return null;
    }

    /**
     * The template that serves builds with this label (null: no label): unlabelled builds go to the first
     * template when it has no labels; a label to the first template whose labels satisfy it. Null when none does.
     */
    SpotAgentTemplate templateFor(Label label) {
        if (label == null) {
            SpotAgentTemplate first = templates.get(0);
            return first.getLabelString().isBlank() ? first : null;
        }
        for (SpotAgentTemplate t : templates) {
            if (t.matches(label)) {
                return t;
            }
        }
        return null;
    }

    /** The boot script of a template's inbound agents (the cloud's page shows it for your own launch template). */
    public String bootstrapScript(SpotAgentTemplate t) {
        return SpotTemplateConfigs.bootstrapScript(this, t);
    }

    /** What may not work as meant, such as a label carried by two templates (the second never gets its work). */
    public List<String> getWarnings() {
        try {
            return toConfig(SpotCloudRuntime.controllerId()).warnings();
        } catch (StageException e) {
            return List.of(); // the runtime shows the configuration error itself
        }
    }

    /** True when agents connect over SSH (the SSH Build Agents plugin) instead of inbound. */
    public boolean usesSsh() {
        return "ssh".equals(connection);
    }

    /** The engine's configuration; throws {@link StageException} naming the first wrong field. */
    public SpotFleetConfig toConfig(String controllerId) {
        return SpotTemplateConfigs.toConfig(this, controllerId);
    }

    @Override
    public boolean canProvision(CloudState state) {
        return templateFor(state.getLabel()) != null;
    }

    /**
     * Records the demand and returns planned nodes at once; the cloud's own thread launches the instances and
     * completes them. Jenkins calls this under its provisioner's lock, so nothing here calls EC2 or waits.
     */
    @Override
    public Collection<NodeProvisioner.PlannedNode> provision(CloudState state, int excessWorkload) {
        SpotAgentTemplate t = templateFor(state.getLabel());
        return t == null ? List.of() : SpotCloudRuntime.of(this).provision(t, excessWorkload);
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

    /** Agents of this cloud now known to Jenkins, by template name (the status page). */
    public java.util.Map<String, List<SpotAgent>> getAgentsByTemplate() {
        java.util.Map<String, List<SpotAgent>> out = new java.util.LinkedHashMap<>();
        templates.forEach(t -> out.put(t.getName(), new ArrayList<>()));
        for (SpotAgent a : agents()) {
            out.computeIfAbsent(a.getTemplateName(), k -> new ArrayList<>()).add(a);
        }
        return out;
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

    public String getSubnetIds() {
        return subnetIds;
    }

    @DataBoundSetter
    public void setSubnetIds(String subnetIds) {
        this.subnetIds = Util.fixNull(subnetIds).trim();
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
    public static final class DescriptorImpl extends SpotCloudChecks {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SpotCloud_DisplayName();
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
