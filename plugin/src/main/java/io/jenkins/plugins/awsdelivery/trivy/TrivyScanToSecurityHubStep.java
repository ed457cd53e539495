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
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import io.jenkins.plugins.awsdelivery.steps.AwsStepDescriptor;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;
import io.jenkins.plugins.awsdelivery.steps.AwsStep;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * {@code trivyScanToSecurityHub}: imports a Trivy image scan into AWS Security Hub as ASFF findings and gates on
 * severity. Returns counts per severity, imported, failed, archived, the gate result, the gating finding IDs and a
 * Security Hub console URL. The import is bounded, so the step runs in one go on a background thread; it does not
 * resume after a controller restart (run it again: findings keep their IDs).
 */
public final class TrivyScanToSecurityHubStep extends AwsStep implements TrivyParameters {

    private static final long serialVersionUID = 1L;

    private String reportFile;
    private String image;
    private List<String> trivyArguments = new ArrayList<>();
    private String accountId;
    private String product;
    private List<String> failOn = new ArrayList<>();
    private boolean ignoreUnfixed = false;
    private List<String> ignoreIds = new ArrayList<>();
    private String ignoreFile;
    private List<String> importSeverities = new ArrayList<>();
    private boolean archiveFixed = true;
    private boolean dryRun = false;
    private String asffFile;
    private boolean markUnstable = false;
    private boolean reconcile = false;

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
        return ListParameters.view(trivyArguments);
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
        return ListParameters.view(failOn);
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
        return ListParameters.view(ignoreIds);
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
        return ListParameters.view(importSeverities);
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

    @Override
    public boolean isReconcile() {
        return reconcile;
    }

    @DataBoundSetter
    public void setReconcile(boolean reconcile) {
        this.reconcile = reconcile;
    }

    @DataBoundConstructor
    public TrivyScanToSecurityHubStep() {
        // reportFile or image is given with its setter
    }

    /** Old files may hold immutable JDK lists (or miss a field): persist plain lists from now on. */
    private Object readResolve() {
        trivyArguments = ListParameters.copy(trivyArguments);
        failOn = ListParameters.copy(failOn);
        ignoreIds = ListParameters.copy(ignoreIds);
        importSeverities = ListParameters.copy(importSeverities);
        return this;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this, connection());
    }

    /** Reads, maps, imports and gates; not resumable (the import is bounded and idempotent). */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;
        private final transient TrivyScanToSecurityHubStep step;
        private final AwsConnection connection;

        Execution(StepContext context, TrivyScanToSecurityHubStep step, AwsConnection connection) {
            super(context);
            this.step = step;
            this.connection = connection;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepContext c = getContext();
            TaskListener listener = c.get(TaskListener.class);
            TrivyScanResult result = TrivyStageRun.run(step, connection, c.get(Run.class), c.get(FilePath.class),
                    c.get(Launcher.class), listener);
            if (!result.gatePassed()) {
                String message = "Trivy gate failed: " + result.gatingIssues().size() + " issue(s) of severity "
                        + (step.getFailOn().isEmpty() ? "[CRITICAL]" : step.getFailOn()) + ": "
                        + String.join(", ", result.gatingIssues().stream().limit(20).toList());
                if (!result.markUnstable()) {
                    throw new AbortException(message);
                }
                StageLogs.markUnstable(c, message);
            }
            return result.toMap();
        }
    }

    @Extension
    @Symbol("trivyScanToSecurityHub")
    public static final class DescriptorImpl extends AwsStepDescriptor {

        @Override
        public String getFunctionName() {
            return "trivyScanToSecurityHub";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.TrivyScanToSecurityHubStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }

        @Override
        public TrivyScanToSecurityHubStep newInstance(StaplerRequest2 req, @NonNull JSONObject formData)
                throws FormException {
            return (TrivyScanToSecurityHubStep) super.newInstance(req,
                    ListParameters.splitFormFields(formData, TrivyParameters.LIST_FIELDS));
        }

        public String join(List<String> values) {
            return ListParameters.join(values);
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
