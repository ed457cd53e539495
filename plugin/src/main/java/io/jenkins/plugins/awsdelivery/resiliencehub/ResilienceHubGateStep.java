package io.jenkins.plugins.awsdelivery.resiliencehub;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Descriptor.FormException;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import io.jenkins.plugins.awsdelivery.steps.AwsStep;
import io.jenkins.plugins.awsdelivery.steps.AwsStepDescriptor;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code resilienceHubGate}: imports the application's resources into AWS Resilience Hub, publishes and assesses it,
 * and fails (or marks unstable) the build when the resiliency policy is breached. Returns the assessment as a map.
 * The waits hold no executor thread and survive a controller restart without a second import or assessment.
 */
public final class ResilienceHubGateStep extends AwsStep implements ResilienceHubGateParameters {

    private static final long serialVersionUID = 1L;

    private final String appArn;
    private ArrayList<String> stackArns = new ArrayList<>();
    private ArrayList<String> terraformStateFiles = new ArrayList<>();
    private ArrayList<String> eksSources = new ArrayList<>();
    private String importStrategy;
    private String assessmentName;
    private String timeout;
    private String pollInterval;
    private String onBreach;
    private String onMissingPolicy;
    private boolean forceAssessment;

    @DataBoundConstructor
    public ResilienceHubGateStep(String appArn) {
        this.appArn = Util.fixEmptyAndTrim(appArn);
    }

    @Override
    public String getAppArn() {
        return appArn;
    }

    @Override
    public List<String> getStackArns() {
        return stackArns;
    }

    @DataBoundSetter
    public void setStackArns(List<String> stackArns) {
        this.stackArns = new ArrayList<>(ListParameters.copy(stackArns));
    }

    @Override
    public List<String> getTerraformStateFiles() {
        return terraformStateFiles;
    }

    @DataBoundSetter
    public void setTerraformStateFiles(List<String> terraformStateFiles) {
        this.terraformStateFiles = new ArrayList<>(ListParameters.copy(terraformStateFiles));
    }

    @Override
    public List<String> getEksSources() {
        return eksSources;
    }

    /** One {@code CLUSTER_ARN=ns1,ns2} per item. */
    @DataBoundSetter
    public void setEksSources(List<String> eksSources) {
        this.eksSources = new ArrayList<>(ListParameters.copy(eksSources));
    }

    @Override
    public String getImportStrategy() {
        return importStrategy;
    }

    @DataBoundSetter
    public void setImportStrategy(String importStrategy) {
        this.importStrategy = Util.fixEmptyAndTrim(importStrategy);
    }

    @Override
    public String getAssessmentName() {
        return assessmentName;
    }

    @DataBoundSetter
    public void setAssessmentName(String assessmentName) {
        this.assessmentName = Util.fixEmptyAndTrim(assessmentName);
    }

    @Override
    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = Util.fixEmptyAndTrim(timeout);
    }

    @Override
    public String getPollInterval() {
        return pollInterval;
    }

    @DataBoundSetter
    public void setPollInterval(String pollInterval) {
        this.pollInterval = Util.fixEmptyAndTrim(pollInterval);
    }

    @Override
    public String getOnBreach() {
        return onBreach;
    }

    @DataBoundSetter
    public void setOnBreach(String onBreach) {
        this.onBreach = Util.fixEmptyAndTrim(onBreach);
    }

    @Override
    public String getOnMissingPolicy() {
        return onMissingPolicy;
    }

    @DataBoundSetter
    public void setOnMissingPolicy(String onMissingPolicy) {
        this.onMissingPolicy = Util.fixEmptyAndTrim(onMissingPolicy);
    }

    @Override
    public boolean isForceAssessment() {
        return forceAssessment;
    }

    @DataBoundSetter
    public void setForceAssessment(boolean forceAssessment) {
        this.forceAssessment = forceAssessment;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        ResilienceHubGateRequest request;
        try {
            request = toRequest(run.getParent().getFullName(), run.getNumber());
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        return new ResilienceHubGateStepExecution(context, request, connection());
    }

    @Extension
    @Symbol("resilienceHubGate")
    public static final class DescriptorImpl extends AwsStepDescriptor {

        @Override
        public String getFunctionName() {
            return "resilienceHubGate";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ResilienceHubGateStep_DisplayName();
        }

        @Override
        public ResilienceHubGateStep newInstance(StaplerRequest2 req, @NonNull JSONObject formData)
                throws FormException {
            JSONObject data = ListParameters.splitFormFields(formData, ResilienceHubGateParameters.LIST_FIELDS);
            // An EKS source holds commas (its namespaces): the form takes one per line.
            if (data.opt("eksSources") instanceof String text) {
                data.put("eksSources", JSONArray.fromObject(Arrays.stream(text.split("\\R"))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList()));
            }
            return (ResilienceHubGateStep) super.newInstance(req, data);
        }

        public String join(List<String> values) {
            return ListParameters.join(values);
        }

        public String lines(List<String> values) {
            return values == null ? "" : String.join("\n", values);
        }

        @POST
        public FormValidation doCheckAppArn(@AncestorInPath Item item, @QueryParameter String value) {
            AwsStepForms.checkConfigure(item);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error("Give the Resilience Hub application's ARN.");
            }
            try {
                ResilienceHubGateRequest.builder(value, "form-check").build();
                return FormValidation.ok();
            } catch (StageException e) {
                return FormValidation.error(e.describe());
            }
        }

        @POST
        public FormValidation doCheckTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "timeout", value);
        }

        @POST
        public FormValidation doCheckPollInterval(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "pollInterval", value);
        }

        public ListBoxModel doFillOnBreachItems() {
            return AwsStepForms.options("fail", "unstable", "pass");
        }

        public ListBoxModel doFillOnMissingPolicyItems() {
            return AwsStepForms.options("fail", "unstable", "pass");
        }

        public ListBoxModel doFillImportStrategyItems() {
            return AwsStepForms.options("AddOnly", "ReplaceAll");
        }
    }
}
