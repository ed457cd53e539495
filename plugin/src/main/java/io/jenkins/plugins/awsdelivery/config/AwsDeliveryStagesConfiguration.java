package io.jenkins.plugins.awsdelivery.config;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import java.net.URI;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
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

    public AwsDeliveryStagesConfiguration() {
        load();
    }

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
