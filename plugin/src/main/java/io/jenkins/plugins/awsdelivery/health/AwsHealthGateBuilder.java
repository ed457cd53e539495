package io.jenkins.plugins.awsdelivery.health;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.health.HealthEndpoints;
import io.jenkins.plugins.awsdelivery.core.health.HealthGate;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.steps.AwsBuilder;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The AWS Health gate as a freestyle build step. A freestyle build holds its executor anyway, so wait mode waits in
 * the build's own thread; unlike the Pipeline step, a wait does not survive a controller restart.
 */
public final class AwsHealthGateBuilder extends AwsBuilder implements HealthGateParameters {

    private List<String> services = List.of();
    private List<String> regions = List.of();
    private List<String> eventTypeCategories = List.of();
    private List<String> statuses = List.of();
    private String upcomingWithin;
    private List<String> entityArns = List.of();
    private String scope;
    private List<String> ignoreEventTypes = List.of();
    private List<String> onlyEventTypes = List.of();
    private boolean organization;
    private List<String> accountIds = List.of();
    private String onEvent;
    private String onUnavailable;
    private String timeout;
    private String pollInterval;

    @DataBoundConstructor
    public AwsHealthGateBuilder() {
        // every parameter is optional
    }

    @Override
    public List<String> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = ListParameters.copy(services);
    }

    @Override
    public List<String> getRegions() {
        return regions;
    }

    @DataBoundSetter
    public void setRegions(List<String> regions) {
        this.regions = ListParameters.copy(regions);
    }

    @Override
    public List<String> getEventTypeCategories() {
        return eventTypeCategories;
    }

    @DataBoundSetter
    public void setEventTypeCategories(List<String> eventTypeCategories) {
        this.eventTypeCategories = ListParameters.copy(eventTypeCategories);
    }

    @Override
    public List<String> getStatuses() {
        return statuses;
    }

    @DataBoundSetter
    public void setStatuses(List<String> statuses) {
        this.statuses = ListParameters.copy(statuses);
    }

    @Override
    public String getUpcomingWithin() {
        return upcomingWithin;
    }

    @DataBoundSetter
    public void setUpcomingWithin(String upcomingWithin) {
        this.upcomingWithin = Util.fixEmptyAndTrim(upcomingWithin);
    }

    @Override
    public List<String> getEntityArns() {
        return entityArns;
    }

    @DataBoundSetter
    public void setEntityArns(List<String> entityArns) {
        this.entityArns = ListParameters.copy(entityArns);
    }

    @Override
    public String getScope() {
        return scope;
    }

    @DataBoundSetter
    public void setScope(String scope) {
        this.scope = Util.fixEmptyAndTrim(scope);
    }

    @Override
    public List<String> getIgnoreEventTypes() {
        return ignoreEventTypes;
    }

    @DataBoundSetter
    public void setIgnoreEventTypes(List<String> ignoreEventTypes) {
        this.ignoreEventTypes = ListParameters.copy(ignoreEventTypes);
    }

    @Override
    public List<String> getOnlyEventTypes() {
        return onlyEventTypes;
    }

    @DataBoundSetter
    public void setOnlyEventTypes(List<String> onlyEventTypes) {
        this.onlyEventTypes = ListParameters.copy(onlyEventTypes);
    }

    @Override
    public boolean isOrganization() {
        return organization;
    }

    @DataBoundSetter
    public void setOrganization(boolean organization) {
        this.organization = organization;
    }

    @Override
    public List<String> getAccountIds() {
        return accountIds;
    }

    @DataBoundSetter
    public void setAccountIds(List<String> accountIds) {
        this.accountIds = ListParameters.copy(accountIds);
    }

    @Override
    public String getOnEvent() {
        return onEvent;
    }

    @DataBoundSetter
    public void setOnEvent(String onEvent) {
        this.onEvent = Util.fixEmptyAndTrim(onEvent);
    }

    @Override
    public String getOnUnavailable() {
        return onUnavailable;
    }

    @DataBoundSetter
    public void setOnUnavailable(String onUnavailable) {
        this.onUnavailable = Util.fixEmptyAndTrim(onUnavailable);
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
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        HealthGateResult result;
        try {
            HealthGateRequest request = toRequest();
            ResolvedAws aws = connection().resolve(run, listener);
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                HealthGate gate = new HealthGate(request, aws.settings().region(),
                        HealthEndpoints.forPartition(factory), factory.calls(), Clock.systemUTC(),
                        StageLogs.of(listener, aws.secrets()));
                result = gate.runBlocking(new BlockingWaiter(new WaitEngine(gate.waitPolicy())));
            }
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        switch (result.verdict()) {
            case FAILED -> throw new AbortException(result.message());
            case UNSTABLE -> run.setResult(Result.UNSTABLE);
            case PASSED -> { }
        }
    }

    @Extension
    @Symbol("awsHealthGateBuilder")
    public static final class DescriptorImpl extends BuildStepDescriptor<Builder> {

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "AWS Health gate";
        }

        @Override
        public AwsHealthGateBuilder newInstance(StaplerRequest2 req, @NonNull JSONObject formData)
                throws FormException {
            return (AwsHealthGateBuilder) super.newInstance(req,
                    ListParameters.splitFormFields(formData, HealthGateParameters.LIST_FIELDS));
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
        public FormValidation doCheckTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "timeout", value);
        }

        @POST
        public FormValidation doCheckPollInterval(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "pollInterval", value);
        }

        @POST
        public FormValidation doCheckUpcomingWithin(@AncestorInPath Item item, @QueryParameter String value) {
            return AwsStepForms.checkDuration(item, "upcomingWithin", value);
        }

        public ListBoxModel doFillOnEventItems() {
            return AwsStepForms.options("fail", "unstable", "wait");
        }

        public ListBoxModel doFillOnUnavailableItems() {
            return AwsStepForms.options("fail", "unstable", "pass");
        }

        public ListBoxModel doFillScopeItems() {
            return AwsStepForms.options("both", "account", "public");
        }
    }
}
