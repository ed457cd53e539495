package io.jenkins.plugins.awsdelivery.health;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.health.HealthEndpoints;
import io.jenkins.plugins.awsdelivery.core.health.HealthGate;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import io.jenkins.plugins.awsdelivery.steps.AwsStep;
import io.jenkins.plugins.awsdelivery.steps.AwsStepDescriptor;
import io.jenkins.plugins.awsdelivery.steps.AwsStepForms;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import io.jenkins.plugins.awsdelivery.wait.PollingStepExecution;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * {@code awsHealthGate}: fails, marks unstable, or holds the build while AWS Health reports open events for the
 * services and regions of a deploy. Returns the verdict and the events as a map. In {@code onEvent: 'wait'} mode the
 * wait holds no executor thread and survives a controller restart.
 */
public final class AwsHealthGateStep extends AwsStep implements HealthGateParameters {

    private static final long serialVersionUID = 1L;

    private List<String> services = new ArrayList<>();
    private List<String> regions = new ArrayList<>();
    private List<String> eventTypeCategories = new ArrayList<>();
    private List<String> statuses = new ArrayList<>();
    private String upcomingWithin;
    private List<String> entityArns = new ArrayList<>();
    private String scope;
    private List<String> ignoreEventTypes = new ArrayList<>();
    private List<String> onlyEventTypes = new ArrayList<>();
    private boolean organization;
    private List<String> accountIds = new ArrayList<>();
    private String onEvent;
    private String onUnavailable;
    private String timeout;
    private String pollInterval;

    @DataBoundConstructor
    public AwsHealthGateStep() {
        // every parameter is optional
    }

    @Override
    public List<String> getServices() {
        return ListParameters.view(services);
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = ListParameters.copy(services);
    }

    @Override
    public List<String> getRegions() {
        return ListParameters.view(regions);
    }

    @DataBoundSetter
    public void setRegions(List<String> regions) {
        this.regions = ListParameters.copy(regions);
    }

    @Override
    public List<String> getEventTypeCategories() {
        return ListParameters.view(eventTypeCategories);
    }

    @DataBoundSetter
    public void setEventTypeCategories(List<String> eventTypeCategories) {
        this.eventTypeCategories = ListParameters.copy(eventTypeCategories);
    }

    @Override
    public List<String> getStatuses() {
        return ListParameters.view(statuses);
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
        return ListParameters.view(entityArns);
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
        return ListParameters.view(ignoreEventTypes);
    }

    @DataBoundSetter
    public void setIgnoreEventTypes(List<String> ignoreEventTypes) {
        this.ignoreEventTypes = ListParameters.copy(ignoreEventTypes);
    }

    @Override
    public List<String> getOnlyEventTypes() {
        return ListParameters.view(onlyEventTypes);
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
        return ListParameters.view(accountIds);
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

    /** Old files may hold immutable JDK lists (or miss a field): persist plain lists from now on. */
    private Object readResolve() {
        services = ListParameters.copy(services);
        regions = ListParameters.copy(regions);
        eventTypeCategories = ListParameters.copy(eventTypeCategories);
        statuses = ListParameters.copy(statuses);
        entityArns = ListParameters.copy(entityArns);
        ignoreEventTypes = ListParameters.copy(ignoreEventTypes);
        onlyEventTypes = ListParameters.copy(onlyEventTypes);
        accountIds = ListParameters.copy(accountIds);
        return this;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        HealthGateRequest request;
        try {
            request = toRequest();
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
        return new Execution(context, request, connection());
    }

    /** Checks on a worker; in wait mode, re-checks until no matching event is open. */
    static final class Execution extends PollingStepExecution<HealthGateResult> {

        private static final long serialVersionUID = 1L;

        private final HealthGateRequest request;
        private AwsConnection connection;
        private transient HealthGate gate;
        private transient AwsClientFactory factory;
        private transient HealthGateResult firstResult;

        Execution(StepContext context, HealthGateRequest request, AwsConnection connection) {
            super(context, request.waitPolicy());
            this.request = request;
            this.connection = connection;
        }

        @Override
        protected WaitState begin() throws Exception {
            if (!connection.isPinned()) {
                connection = connection.pinned();
            }
            PollOutcome<HealthGateResult> first = gate().pollOnce();
            if (first instanceof PollOutcome.Done<HealthGateResult> done) {
                firstResult = done.value();
                return null;
            }
            return gate().startWait();
        }

        @Override
        protected PollOutcome<HealthGateResult> pollOnce() throws Exception {
            return gate().pollOnce();
        }

        @Override
        protected void finish(WaitDecision<HealthGateResult> decision) throws Exception {
            HealthGateResult result = decision == null ? firstResult : gate().result(decision);
            StageLogs.finish(getContext(), result);
        }

        @Override
        protected String stopMessage() {
            return "Stopped the AWS Health gate.";
        }

        @Override
        protected void release() {
            if (factory != null) {
                factory.close();
                factory = null;
                gate = null;
            }
        }

        private HealthGate gate() throws Exception {
            if (gate == null) {
                Run<?, ?> run = getContext().get(Run.class);
                TaskListener listener = getContext().get(TaskListener.class);
                ResolvedAws aws = connection.resolve(run, listener);
                factory = new AwsClientFactory(aws.settings());
                gate = new HealthGate(request, aws.settings().region(), HealthEndpoints.forPartition(factory,
                        AwsDeliveryStagesConfiguration.get().healthPassiveEndpointUri()),
                        factory.calls(), Clock.systemUTC(), StageLogs.of(listener, aws.secrets()));
            }
            return gate;
        }
    }

    @Extension
    @Symbol("awsHealthGate")
    public static final class DescriptorImpl extends AwsStepDescriptor {

        @Override
        public String getFunctionName() {
            return "awsHealthGate";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.AwsHealthGateStep_DisplayName();
        }

        @Override
        public AwsHealthGateStep newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            return (AwsHealthGateStep) super.newInstance(req,
                    ListParameters.splitFormFields(formData, HealthGateParameters.LIST_FIELDS));
        }

        public String join(List<String> values) {
            return ListParameters.join(values);
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
