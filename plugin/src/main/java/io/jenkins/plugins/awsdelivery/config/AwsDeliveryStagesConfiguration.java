package io.jenkins.plugins.awsdelivery.config;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.model.Run;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.identity.BuildIdentityPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import net.sf.json.JSONObject;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Defaults every AWS stage uses when the step does not say otherwise. Configured in Manage Jenkins » System, or with
 * configuration-as-code under {@code unclassified: awsDeliveryStages:}.
 */
@Extension
@Symbol("awsDeliveryStages")
public class AwsDeliveryStagesConfiguration extends GlobalConfiguration {

    private String defaultRegion;
    private String defaultCredentialsId;
    private String defaultRoleArn;
    private String defaultExternalId;
    private String endpointOverride;
    private String healthPassiveEndpoint;
    private boolean allowControllerAwsIdentity;
    private boolean allowControllerKubernetesIdentity;
    private ArrayList<String> allowedRoleArns = new ArrayList<>();
    /** An administrator chose whether builds may use the controller's identities (form, JCasC or monitor). */
    private boolean identityDecided;
    /** The version of this file's format; files written before the identity opt-ins existed have none (0). */
    private int configVersion;
    /** Loaded from a file of a version that let builds fall back to the controller's identity. */
    private transient boolean savedBeforeOptIns;
    /** The last build refused the controller's identity while no administrator had decided, for the monitor. */
    private transient volatile String refusedBuild;

    public AwsDeliveryStagesConfiguration() {
        configVersion = 0;
        load();
        // Before version 2 a step without any credential silently used the controller's identity: if this file
        // names no default credential, builds may rely on that, and an administrator must choose.
        savedBeforeOptIns = getConfigFile().exists() && configVersion < CURRENT_VERSION
                && defaultCredentialsId == null && !identityDecided;
        configVersion = CURRENT_VERSION;
        if (allowedRoleArns == null) {
            allowedRoleArns = new ArrayList<>();
        }
    }

    /** Version 2: identity opt-ins. */
    static final int CURRENT_VERSION = 2;

    public static AwsDeliveryStagesConfiguration get() {
        return ExtensionList.lookupSingleton(AwsDeliveryStagesConfiguration.class);
    }

    public String getDefaultRegion() {
        return defaultRegion;
    }

    @DataBoundSetter
    public void setDefaultRegion(String defaultRegion) {
        this.defaultRegion = Util.fixEmptyAndTrim(defaultRegion);
        save();
    }

    public String getDefaultCredentialsId() {
        return defaultCredentialsId;
    }

    @DataBoundSetter
    public void setDefaultCredentialsId(String defaultCredentialsId) {
        this.defaultCredentialsId = Util.fixEmptyAndTrim(defaultCredentialsId);
        save();
    }

    public String getDefaultRoleArn() {
        return defaultRoleArn;
    }

    @DataBoundSetter
    public void setDefaultRoleArn(String defaultRoleArn) {
        this.defaultRoleArn = Util.fixEmptyAndTrim(defaultRoleArn);
        save();
    }

    public String getDefaultExternalId() {
        return defaultExternalId;
    }

    @DataBoundSetter
    public void setDefaultExternalId(String defaultExternalId) {
        this.defaultExternalId = Util.fixEmptyAndTrim(defaultExternalId);
        save();
    }

    public String getEndpointOverride() {
        return endpointOverride;
    }

    @DataBoundSetter
    public void setEndpointOverride(String endpointOverride) {
        this.endpointOverride = Util.fixEmptyAndTrim(endpointOverride);
        save();
    }

    /** Where the AWS Health gate sends its calls when the active Health endpoint fails; null for AWS's own. */
    public String getHealthPassiveEndpoint() {
        return healthPassiveEndpoint;
    }

    @DataBoundSetter
    public void setHealthPassiveEndpoint(String healthPassiveEndpoint) {
        this.healthPassiveEndpoint = Util.fixEmptyAndTrim(healthPassiveEndpoint);
        save();
    }

    /** {@link #getHealthPassiveEndpoint()} as a URI, or null. */
    public URI healthPassiveEndpointUri() {
        return healthPassiveEndpoint == null ? null : URI.create(healthPassiveEndpoint);
    }

    @POST
    public FormValidation doCheckHealthPassiveEndpoint(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkUrl(value, "https://health.us-east-2.amazonaws.com", null);
    }

    public boolean isAllowControllerAwsIdentity() {
        return allowControllerAwsIdentity;
    }

    /** Builds may fall back to the controller's own AWS identity (its default credentials chain). */
    @DataBoundSetter
    public void setAllowControllerAwsIdentity(boolean allowControllerAwsIdentity) {
        this.allowControllerAwsIdentity = allowControllerAwsIdentity;
        this.identityDecided = true;
        save();
    }

    public boolean isAllowControllerKubernetesIdentity() {
        return allowControllerKubernetesIdentity;
    }

    /** Builds may fall back to the controller's own in-cluster Kubernetes service account. */
    @DataBoundSetter
    public void setAllowControllerKubernetesIdentity(boolean allowControllerKubernetesIdentity) {
        this.allowControllerKubernetesIdentity = allowControllerKubernetesIdentity;
        this.identityDecided = true;
        save();
    }

    /** Patterns of the role ARNs a step may assume ({@code *} for any characters); empty: any role. */
    public List<String> getAllowedRoleArns() {
        return allowedRoleArns;
    }

    @DataBoundSetter
    public void setAllowedRoleArns(List<String> allowedRoleArns) {
        ArrayList<String> patterns = new ArrayList<>();
        if (allowedRoleArns != null) {
            for (String p : allowedRoleArns) {
                patterns.addAll(BuildIdentityPolicy.parsePatterns(p));
            }
        }
        this.allowedRoleArns = patterns;
        save();
    }

    /** The allow-list as the form's text area shows it, one pattern per line. */
    public String getAllowedRoleArnsText() {
        return String.join("\n", allowedRoleArns);
    }

    /** What builds may act as, from these settings. */
    public BuildIdentityPolicy identityPolicy() {
        return new BuildIdentityPolicy(allowControllerAwsIdentity, allowControllerKubernetesIdentity,
                allowedRoleArns);
    }

    /**
     * True while an installation that may rely on the controller's identity (a configuration saved before the
     * opt-ins existed, or a build refused since) has no administrator's decision.
     */
    public boolean isIdentityDecisionPending() {
        return !identityDecided && (savedBeforeOptIns || refusedBuild != null);
    }

    /** The build last refused the controller's identity, or null. */
    public String getRefusedBuild() {
        return refusedBuild;
    }

    /** Notes a build refused the controller's identity, so the administrative monitor can name it. */
    public void refused(Run<?, ?> run) {
        if (!identityDecided && run != null) {
            refusedBuild = run.getFullDisplayName();
        }
    }

    /** The monitor's buttons: let builds use both controller identities as before, or keep them off. */
    public void decideIdentity(boolean allowController) {
        this.allowControllerAwsIdentity = allowController;
        this.allowControllerKubernetesIdentity = allowController;
        this.identityDecided = true;
        save();
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        String text = json.optString("allowedRoleArnsText", "");
        json.remove("allowedRoleArnsText");
        List<String> patterns;
        try {
            patterns = BuildIdentityPolicy.parsePatterns(text);
        } catch (StageException e) {
            throw new FormException(e.describe(), "allowedRoleArnsText");
        }
        req.bindJSON(this, json);
        this.allowedRoleArns = new ArrayList<>(patterns);
        this.identityDecided = true;
        save();
        return true;
    }

    @POST
    public FormValidation doCheckAllowedRoleArnsText(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            List<String> patterns = BuildIdentityPolicy.parsePatterns(value);
            return patterns.isEmpty() ? FormValidation.ok("Steps may assume any role their credential can.")
                    : FormValidation.ok();
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
    }

    @POST
    public FormValidation doCheckDefaultRegion(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRegion(value);
    }

    @POST
    public FormValidation doCheckDefaultRoleArn(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRoleArn(value);
    }

    @POST
    public FormValidation doCheckEndpointOverride(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkUrl(value, "https://vpce-123.ecs.eu-west-1.vpce.amazonaws.com",
                "Every AWS call of every stage goes to " + Util.fixEmptyAndTrim(value)
                        + ". Leave this empty unless you use a private endpoint or an emulator.");
    }

    /** Empty is fine; otherwise a full URL, with {@code warning} (when not null) shown for a good one. */
    private static FormValidation checkUrl(String value, String example, String warning) {
        String v = Util.fixEmptyAndTrim(value);
        if (v == null) {
            return FormValidation.ok();
        }
        try {
            URI uri = URI.create(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return FormValidation.error("Give a full URL, such as " + example);
            }
            return warning == null ? FormValidation.ok() : FormValidation.warning(warning);
        } catch (IllegalArgumentException e) {
            return FormValidation.error("Not a URL: " + e.getMessage());
        }
    }

    @POST
    public ListBoxModel doFillDefaultCredentialsIdItems(@QueryParameter String defaultCredentialsId) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(defaultCredentialsId);
        }
        return AwsCredentialsLookup.listForGlobalConfiguration(defaultCredentialsId);
    }

    /** Shared by the global configuration and the steps' forms. */
    public static FormValidation checkRegion(String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (v == null) {
            return FormValidation.ok();
        }
        try {
            Partition p = Partition.forRegion(v);
            return p == Partition.AWS ? FormValidation.ok() : FormValidation.ok("Partition " + p.id());
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
    }

    public static FormValidation checkRoleArn(String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (v == null) {
            return FormValidation.ok();
        }
        try {
            AssumeRole.of(v);
            return FormValidation.ok();
        } catch (StageException e) {
            return FormValidation.error(e.describe());
        }
    }
}
