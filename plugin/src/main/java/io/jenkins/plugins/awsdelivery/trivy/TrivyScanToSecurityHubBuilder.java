package io.jenkins.plugins.awsdelivery.trivy;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.List;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;
import hudson.EnvVars;
import hudson.model.AbstractProject;
import hudson.model.Result;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.steps.AwsBuilder;
import java.io.IOException;

/** Trivy scan to AWS Security Hub as a freestyle build step. */
public final class TrivyScanToSecurityHubBuilder extends AwsBuilder implements TrivyParameters {

    private String reportFile;
    private String image;
    private List<String> trivyArguments = List.of();
    private String accountId;
    private String product;
    private List<String> failOn = List.of();
    private boolean ignoreUnfixed = false;
    private List<String> ignoreIds = List.of();
    private String ignoreFile;
    private List<String> importSeverities = List.of();
    private boolean archiveFixed = true;
    private boolean dryRun = false;
    private String asffFile;
    private boolean markUnstable = false;

    @Override
    public String getReportFile() {
        return reportFile;
    }

    @DataBoundSetter
    public void setReportFile(String reportFile) {
        this.reportFile = Util.fixEmptyAndTrim(reportFile);
    }

    @Override
    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = Util.fixEmptyAndTrim(image);
    }

    @Override
    public List<String> getTrivyArguments() {
        return trivyArguments;
    }

    @DataBoundSetter
    public void setTrivyArguments(List<String> trivyArguments) {
        this.trivyArguments = ListParameters.copy(trivyArguments);
    }

    @Override
    public String getAccountId() {
        return accountId;
    }

    @DataBoundSetter
    public void setAccountId(String accountId) {
        this.accountId = Util.fixEmptyAndTrim(accountId);
    }

    @Override
    public String getProduct() {
        return product;
    }

    @DataBoundSetter
    public void setProduct(String product) {
        this.product = Util.fixEmptyAndTrim(product);
    }

    @Override
    public List<String> getFailOn() {
        return failOn;
    }

    @DataBoundSetter
    public void setFailOn(List<String> failOn) {
        this.failOn = ListParameters.copy(failOn);
    }

    @Override
    public boolean isIgnoreUnfixed() {
        return ignoreUnfixed;
    }

    @DataBoundSetter
    public void setIgnoreUnfixed(boolean ignoreUnfixed) {
        this.ignoreUnfixed = ignoreUnfixed;
    }

    @Override
    public List<String> getIgnoreIds() {
        return ignoreIds;
    }

    @DataBoundSetter
    public void setIgnoreIds(List<String> ignoreIds) {
        this.ignoreIds = ListParameters.copy(ignoreIds);
    }

    @Override
    public String getIgnoreFile() {
        return ignoreFile;
    }

    @DataBoundSetter
    public void setIgnoreFile(String ignoreFile) {
        this.ignoreFile = Util.fixEmptyAndTrim(ignoreFile);
    }

    @Override
    public List<String> getImportSeverities() {
        return importSeverities;
    }

    @DataBoundSetter
    public void setImportSeverities(List<String> importSeverities) {
        this.importSeverities = ListParameters.copy(importSeverities);
    }

    @Override
    public boolean isArchiveFixed() {
        return archiveFixed;
    }

    @DataBoundSetter
    public void setArchiveFixed(boolean archiveFixed) {
        this.archiveFixed = archiveFixed;
    }

    @Override
    public boolean isDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    @Override
    public String getAsffFile() {
        return asffFile;
    }

    @DataBoundSetter
    public void setAsffFile(String asffFile) {
        this.asffFile = Util.fixEmptyAndTrim(asffFile);
    }

    @Override
    public boolean isMarkUnstable() {
        return markUnstable;
    }

    @DataBoundSetter
    public void setMarkUnstable(boolean markUnstable) {
        this.markUnstable = markUnstable;
    }

    @DataBoundConstructor
    public TrivyScanToSecurityHubBuilder() {
        // reportFile or image is given with its setter
    }

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        TrivyScanResult result = TrivyStageRun.run(this, connection(), run, workspace, launcher, listener);
        if (!result.gatePassed()) {
            String message = "Trivy gate failed: " + String.join(", ", result.gatingIssues().stream().limit(20)
                    .toList());
            if (!result.markUnstable()) {
                throw new AbortException(message);
            }
            listener.getLogger().println(message);
            run.setResult(Result.UNSTABLE);
        }
    }

    @Extension
    @Symbol("trivyScanToSecurityHubBuilder")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Trivy scan to AWS Security Hub";
        }

        @Override
        public TrivyScanToSecurityHubBuilder newInstance(StaplerRequest2 req, @NonNull JSONObject formData)
                throws FormException {
            return (TrivyScanToSecurityHubBuilder) super.newInstance(req,
                    ListParameters.splitFormFields(formData, TrivyParameters.LIST_FIELDS));
        }

        public String join(List<String> values) {
            return ListParameters.join(values);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return AwsStepForms.fillCredentialsIdItems(item, credentialsId);
        }

        @POST
        public FormValidation doCheckRegion(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkRegion(item, value);
        }

        @POST
        public FormValidation doCheckRoleArn(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkRoleArn(item, value);
        }

        @POST
        public FormValidation doCheckAccountId(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            return value == null || value.isBlank() || value.trim().matches("\\d{12}") ? FormValidation.ok()
                    : FormValidation.error("An AWS account ID has 12 digits.");
        }

        public ListBoxModel doFillProductItems() {
            return AwsStepForms.options("default", "aqua");
        }
    }
}
