package io.jenkins.plugins.awsdelivery.steps;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import jenkins.model.Jenkins;

/**
 * Form endpoints the AWS steps' descriptors share. Descriptors call these from their own {@code @POST} methods
 * with the {@code @AncestorInPath Item}; every method checks the caller's permission on that item.
 */
public final class AwsStepForms {

    private AwsStepForms() {}

    public static ListBoxModel fillCredentialsIdItems(Item item, String credentialsId) {
        if (item == null ? !Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : !item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(com.cloudbees.plugins.credentials
                        .CredentialsProvider.USE_ITEM)) {
            return new StandardListBoxModel().includeCurrentValue(credentialsId);
        }
        return item == null ? AwsCredentialsLookup.listForGlobalConfiguration(credentialsId)
                : AwsCredentialsLookup.listForItem(item, credentialsId);
    }

    public static FormValidation checkRegion(Item item, String value) {
        checkConfigure(item);
        return AwsDeliveryStagesConfiguration.checkRegion(value);
    }

    public static FormValidation checkRoleArn(Item item, String value) {
        checkConfigure(item);
        return AwsDeliveryStagesConfiguration.checkRoleArn(value);
    }

    public static FormValidation checkDuration(Item item, String parameter, String value) {
        checkConfigure(item);
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            io.jenkins.plugins.awsdelivery.core.DurationText.parse(parameter, value);
            return FormValidation.ok();
        } catch (io.jenkins.plugins.awsdelivery.core.StageException e) {
            return FormValidation.error(e.describe());
        }
    }

    /** A drop-down of fixed choices; the first is the default. */
    public static ListBoxModel options(String... values) {
        ListBoxModel m = new ListBoxModel();
        for (String v : values) {
            m.add(v);
        }
        return m;
    }

    /** Throws AccessDeniedException3 unless the user may configure the item (or administer, for no item). */
    public static void checkConfigure(Item item) {
        if (item == null) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        } else {
            item.checkPermission(Item.CONFIGURE);
        }
    }
}
