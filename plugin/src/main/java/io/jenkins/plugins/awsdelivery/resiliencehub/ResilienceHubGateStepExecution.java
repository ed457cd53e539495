package io.jenkins.plugins.awsdelivery.resiliencehub;

import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGate;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateResult;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubProgress;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import io.jenkins.plugins.awsdelivery.wait.PollingStepExecution;
import java.time.Clock;
import java.util.Objects;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The waits of {@code resilienceHubGate}, on the plugin's workers: {@link #begin()} checks the application and starts
 * the import (or the assessment), {@link #pollOnce()} looks at the import or the assessment, {@link #finish} reports,
 * and {@link #release()} closes the clients. Only the request, the pinned connection and the small
 * {@link ResilienceHubProgress} are persisted; it is saved after every step that changed something in Resilience
 * Hub, so a restarted controller goes on without a second import or assessment.
 */
final class ResilienceHubGateStepExecution extends PollingStepExecution<ResilienceHubGateResult> {

    private static final long serialVersionUID = 1L;

    private final ResilienceHubGateRequest request;
    private AwsConnection connection;
    private volatile ResilienceHubProgress progress;
    private transient ResilienceHubGate gate;
    private transient AwsClientFactory factory;

    ResilienceHubGateStepExecution(StepContext context, ResilienceHubGateRequest request, AwsConnection connection) {
        super(context, request.waitPolicy());
        this.request = request;
        this.connection = connection;
    }

    @Override
    protected WaitState begin() throws Exception {
        if (progress == null) {
            connection = connection.pinned();
            ResilienceHubGate g = gate(); // resolves the credentials: a refused identity fails here
            listener().getLogger().println("AWS: " + connection.describe());
            progress = g.begin();
            checkpoint();
        }
        return gate().startWait();
    }

    @Override
    protected PollOutcome<ResilienceHubGateResult> pollOnce() throws Exception {
        PollOutcome<ResilienceHubGateResult> outcome = gate().pollOnce();
        ResilienceHubProgress now = gate().progress();
        boolean changedInHub = !Objects.equals(now.assessmentArn(), progress.assessmentArn())
                || now.published() != progress.published();
        progress = now;
        if (changedInHub) {
            checkpoint();
        }
        return outcome;
    }

    @Override
    protected void finish(WaitDecision<ResilienceHubGateResult> decision) throws Exception {
        ResilienceHubGateResult result = gate().result(decision);
        StageLogs.finish(getContext(), result);
    }

    @Override
    protected String stopMessage() {
        return ResilienceHubGate.stopNotice(request, progress);
    }

    @Override
    public String getStatus() {
        return super.getStatus() + (progress == null || progress.assessmentArn() == null ? ""
                : "; assessment " + progress.assessmentArn());
    }

    private ResilienceHubGate gate() throws Exception {
        if (gate == null) {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            ResolvedAws aws = connection.resolve(run, listener);
            factory = new AwsClientFactory(aws.settings());
            gate = new ResilienceHubGate(request, factory, Clock.systemUTC(), StageLogs.of(listener, aws.secrets()),
                    progress);
        }
        return gate;
    }

    @Override
    protected void release() {
        if (factory != null) {
            factory.close();
            factory = null;
            gate = null;
        }
    }
}
