package io.jenkins.plugins.awsdelivery.spot;

import hudson.Util;
import hudson.model.Descriptor;
import hudson.slaves.Cloud;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.IdentityCertificates;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.spot.SqsInterruptionSource;
import io.jenkins.plugins.awsdelivery.core.spot.TagText;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Form validation of the cloud-wide fields of a {@link SpotCloud} (each template's fields are checked by
 * {@link SpotTemplateChecks}). Every check needs Administer and a POST.
 */
public abstract class SpotCloudChecks extends Descriptor<Cloud> {

    protected SpotCloudChecks() {
        super(SpotCloud.class);
    }

    /** The template descriptor, for the cloud form's list of templates. */
    public SpotTemplateChecks getTemplateDescriptor() {
        return Jenkins.get().getDescriptorByType(SpotAgentTemplate.DescriptorImpl.class);
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

    @POST
    public FormValidation doCheckMaxAgents(@QueryParameter int value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return value < 1 ? FormValidation.error("The cloud needs room for one agent at least.")
                : FormValidation.ok();
    }
}
