package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest.Action;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubProgress.Phase;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.resiliencehub.ResiliencehubClient;
import software.amazon.awssdk.services.resiliencehub.model.App;
import software.amazon.awssdk.services.resiliencehub.model.AppAssessment;
import software.amazon.awssdk.services.resiliencehub.model.AppAssessmentSummary;
import software.amazon.awssdk.services.resiliencehub.model.DescribeDraftAppVersionResourcesImportStatusResponse;
import software.amazon.awssdk.services.resiliencehub.model.ErrorDetail;
import software.amazon.awssdk.services.resiliencehub.model.ImportResourcesToDraftAppVersionRequest;
import software.amazon.awssdk.services.resiliencehub.model.ListAppAssessmentsResponse;
import software.amazon.awssdk.services.resiliencehub.model.PublishAppVersionResponse;
import software.amazon.awssdk.services.resiliencehub.model.TerraformSource;

/**
 * The resilience gate: imports the application's resources into its draft version, publishes it, assesses it
 * against its resiliency policy and judges the outcome. {@link #begin()} validates and starts; {@link #pollOnce()}
 * is one look at the import or the assessment, for the CLI's blocking loop and the Jenkins step's timer alike.
 *
 * <p>Restart-safe: everything needed to go on is in {@link #progress()}; the assessment has a deterministic name
 * and is looked up by it before one is started, so a resumed build never starts a second one.
 */
public final class ResilienceHubGate {

    private static final String DRAFT = "draft";
    private static final String RELEASE = "release";
    private static final int LIST_PAGE = 100;

    private final ResilienceHubGateRequest request;
    private final AwsClientFactory aws;
    private final Clock clock;
    private final StageLog log;
    private ResilienceHubProgress progress;

    public ResilienceHubGate(ResilienceHubGateRequest request, AwsClientFactory aws, Clock clock, StageLog log) {
        this(request, aws, clock, log, null);
    }

    /** Resumes a gate begun earlier (after a controller restart). */
    public ResilienceHubGate(ResilienceHubGateRequest request, AwsClientFactory aws, Clock clock, StageLog log,
                             ResilienceHubProgress resumed) {
        this.request = request;
        this.aws = aws;
        this.clock = clock;
        this.log = log;
        this.progress = resumed;
    }

    /** Where the gate stands, to persist after {@link #begin()} and every poll; null before {@link #begin()}. */
    public ResilienceHubProgress progress() {
        return progress;
    }

    public WaitPolicy waitPolicy() {
        return request.waitPolicy();
    }

    public WaitState startWait() {
        return WaitState.start(subject(), progress.startedAt(), request.timeout());
    }

    /**
     * Checks the region and the application, counts this month's assessments, and starts the import; without
     * sources to import it goes straight to the assessment (starting one, finding this build's own, or reusing
     * the last one of an unchanged version).
     */
    public ResilienceHubProgress begin() {
        String region = aws.settings().region();
        if (!region.equals(request.appRegion())) {
            throw StageException.invalidInput("appArn is in " + request.appRegion() + " but the step calls "
                    + "Resilience Hub in " + region + ".", "Set region: '" + request.appRegion() + "'.");
        }
        ResiliencehubClient hub = hub();
        App app = describeApp(hub);
        if (app.policyArn() == null || app.policyArn().isBlank()) {
            log.warn("Resilience Hub application %s has no resiliency policy: its assessment can only report "
                    + "MissingPolicy. Attach a policy to the application.", app.name());
        }
        Month month = monthOf(hub);
        log.info("Resilience Hub application %s (%s): %d of %d assessments used this month.", app.name(),
                request.appArn(), month.started(), ResilienceHubGateResult.MONTHLY_QUOTA);
        progress = new ResilienceHubProgress(Phase.IMPORTING, clock.instant(), app.name(), "", null, false, null,
                false, month.started(), month.lastSuccess().map(AppAssessmentSummary::assessmentArn).orElse(null),
                month.lastSuccess().map(AppAssessmentSummary::startTime).orElse(null));
        if (request.imports()) {
            startImport(hub);
        } else {
            log.info("No sources to import: assessing the published version of %s as it is.", app.name());
            settle(hub);
        }
        return progress;
    }

    /** One look at the import or the assessment. */
    public PollOutcome<ResilienceHubGateResult> pollOnce() {
        try {
            return progress.phase() == Phase.IMPORTING ? pollImport(hub()) : pollAssessment(hub());
        } catch (StageException e) {
            if (AwsErrors.isThrottling(e.getCause())) {
                return PollOutcome.throttled("Resilience Hub throttled the poll; polling more slowly");
            }
            throw e;
        }
    }

    /**
     * Begins and waits in the calling thread: for the CLI and freestyle builds. Pipeline drives {@link #begin()}
     * and {@link #pollOnce()} on a timer instead.
     */
    public ResilienceHubGateResult run(BlockingWaiter waiter) {
        begin();
        return result(waiter.await(startWait(), this::pollOnce, s -> { }));
    }

    /** The result a finished wait stands for. */
    public ResilienceHubGateResult result(WaitDecision<ResilienceHubGateResult> decision) {
        if (decision instanceof WaitDecision.Finished<ResilienceHubGateResult> f
                && f.outcome() instanceof PollOutcome.Done<ResilienceHubGateResult> done) {
            return done.value();
        }
        return timedOut();
    }

    /** The result when the wait ran out of time. */
    public ResilienceHubGateResult timedOut() {
        String what = progress.phase() == Phase.IMPORTING ? "the import of resources into the draft version"
                : "assessment " + request.assessmentName() + " (" + progress.assessmentArn() + ")";
        String message = "Timed out after " + request.timeout().toMinutes() + " min waiting for " + what + " of "
                + progress.appName() + " (last status " + (progress.lastStatus().isEmpty() ? "unknown"
                : progress.lastStatus()) + "). " + goesOn();
        log.warn(message);
        return new ResilienceHubGateResult(GateVerdict.FAILED, message, request.appArn(), progress.appName(),
                nullToEmpty(progress.assessmentArn()), request.assessmentName(),
                progress.lastStatus().isEmpty() ? "Unknown" : progress.lastStatus(), "NotAssessed",
                progress.reused(), progress.publishedVersion(), 0, List.of(), 0, 0, 0, progress.quotaUsed(),
                consoleUrl(), List.of(), elapsed(), aws.calls().totalAttempts());
    }

    /**
     * What to tell the user when the build stops waiting before the end (abort), without any client: Jenkins
     * calls this on the Pipeline thread, where no network call may run.
     */
    public static String stopNotice(ResilienceHubGateRequest request, ResilienceHubProgress progress) {
        return new ResilienceHubGate(request, null, Clock.systemUTC(), StageLog.silent(), progress).stopNotice();
    }

    /** What to tell the user when the build stops waiting before the end (abort). */
    public String stopNotice() {
        if (progress == null) {
            return "Stopped before anything was started in Resilience Hub.";
        }
        return "Stopped waiting for " + subject() + ". " + goesOn();
    }

    // ----- the import

    private void startImport(ResiliencehubClient hub) {
        // Every source list is sent, empty ones included, so the request says what each kind of source is; moto's
        // emulator also rejects an absent list.
        ImportResourcesToDraftAppVersionRequest.Builder b = ImportResourcesToDraftAppVersionRequest.builder()
                .appArn(request.appArn()).importStrategy(request.importStrategy().name())
                .sourceArns(request.stackArns())
                .terraformSources(request.terraformStateFiles().stream()
                        .map(u -> TerraformSource.builder().s3StateFileUrl(u).build()).toList())
                .eksSources(request.eksSources().stream()
                        .map(e -> software.amazon.awssdk.services.resiliencehub.model.EksSource.builder()
                                .eksClusterArn(e.clusterArn()).namespaces(e.namespaces()).build()).toList());
        var response = aws.call("resiliencehub:ImportResourcesToDraftAppVersion",
                () -> hub.importResourcesToDraftAppVersion(b.build()));
        progress = progress.withStatus(nullToEmpty(response.statusAsString()));
        log.info("Importing into the draft version of %s (%s): %s. Import status: %s.", progress.appName(),
                request.importStrategy(), describeSources(), response.statusAsString());
    }

    private PollOutcome<ResilienceHubGateResult> pollImport(ResiliencehubClient hub) {
        DescribeDraftAppVersionResourcesImportStatusResponse status = aws.call(
                "resiliencehub:DescribeDraftAppVersionResourcesImportStatus",
                () -> hub.describeDraftAppVersionResourcesImportStatus(r -> r.appArn(request.appArn())));
        String s = nullToEmpty(status.statusAsString());
        switch (s) {
            case "Success" -> {
                log.info("Resources imported into the draft version of %s.", progress.appName());
                settle(hub);
                return PollOutcome.progressed("assessment " + request.assessmentName() + " started");
            }
            case "Failed" -> {
                List<String> details = new ArrayList<>();
                if (status.errorMessage() != null) {
                    details.add(status.errorMessage());
                }
                if (status.hasErrorDetails()) {
                    status.errorDetails().stream().map(ErrorDetail::errorMessage).filter(m -> m != null)
                            .forEach(details::add);
                }
                throw new StageException(StageException.Kind.AWS, "Resilience Hub could not import the resources "
                        + "of " + progress.appName() + " (" + describeSources() + "): "
                        + (details.isEmpty() ? "no reason given" : String.join("; ", details)) + ".",
                        "Check that the sources exist and that the application's invoker role (or your identity) "
                                + "can read them; see the application's input sources in the Resilience Hub "
                                + "console.");
            }
            case "Pending", "InProgress" -> {
                boolean changed = !s.equals(progress.lastStatus());
                progress = progress.withStatus(s);
                String line = "import " + s;
                if (changed) {
                    log.info("Import into the draft version of %s: %s.", progress.appName(), s);
                }
                return changed ? PollOutcome.progressed(line) : PollOutcome.waiting(line);
            }
            default -> throw unexpected("import status", s);
        }
    }

    // ----- from an imported draft to an assessment

    /**
     * Publishes the draft when it differs from the released version, then finds this build's assessment, reuses
     * the last one of an unchanged version, or starts one.
     */
    private void settle(ResiliencehubClient hub) {
        Optional<AppAssessmentSummary> own = findOwn(hub);
        if (own.isPresent()) {
            log.info("Found assessment %s (%s) started earlier by this build; following it instead of starting "
                    + "another.", request.assessmentName(), own.get().assessmentArn());
            progress = progress.assessing(own.get().assessmentArn(), false, progress.quotaUsed());
            return;
        }
        if (request.imports() && draftDiffersFromRelease(hub)) {
            PublishAppVersionResponse published = aws.call("resiliencehub:PublishAppVersion",
                    () -> hub.publishAppVersion(r -> r.appArn(request.appArn())));
            String version = published.identifier() == null ? nullToEmpty(published.appVersion())
                    : Long.toString(published.identifier());
            progress = progress.published(version);
            log.info("Published version %s of %s.", version, progress.appName());
        } else if (request.imports()) {
            log.info("The imported draft of %s is the same as its published version: nothing to publish.",
                    progress.appName());
        }
        if (!progress.published() && progress.lastSuccessArn() != null) {
            if (!request.forceAssessment() && !publishedSince(hub, progress.lastSuccessStart())) {
                log.info("Reusing assessment %s of %s: no version of %s was published since it ran, and a new "
                        + "assessment would use 1 of the %d allowed per month. Resource configuration that "
                        + "changed inside the same version is not assessed again; set forceAssessment: true to "
                        + "assess anyway.", progress.lastSuccessArn(), progress.lastSuccessStart(),
                        progress.appName(), ResilienceHubGateResult.MONTHLY_QUOTA);
                progress = progress.assessing(progress.lastSuccessArn(), true, progress.quotaUsed());
                return;
            }
            if (request.forceAssessment()) {
                log.info("forceAssessment: starting a new assessment although one may exist for this version.");
            }
        }
        startAssessment(hub);
    }

    private Optional<AppAssessmentSummary> findOwn(ResiliencehubClient hub) {
        return aws.call("resiliencehub:ListAppAssessments", () -> hub.listAppAssessments(r -> r
                        .appArn(request.appArn()).assessmentName(request.assessmentName()).maxResults(LIST_PAGE)))
                .assessmentSummaries().stream().filter(a -> request.assessmentName().equals(a.assessmentName()))
                .findFirst();
    }

    private boolean draftDiffersFromRelease(ResiliencehubClient hub) {
        String draft = aws.call("resiliencehub:DescribeAppVersionTemplate", () -> hub.describeAppVersionTemplate(
                r -> r.appArn(request.appArn()).appVersion(DRAFT))).appTemplateBody();
        String release;
        try {
            release = aws.call("resiliencehub:DescribeAppVersionTemplate", () -> hub.describeAppVersionTemplate(
                    r -> r.appArn(request.appArn()).appVersion(RELEASE))).appTemplateBody();
        } catch (StageException e) {
            if (isNotFound(e)) {
                return true;
            }
            throw e;
        }
        return draft == null || !draft.equals(release);
    }

    private boolean publishedSince(ResiliencehubClient hub, Instant since) {
        return aws.call("resiliencehub:ListAppVersions", () -> hub.listAppVersions(r -> r.appArn(request.appArn())
                        .startTime(since).maxResults(LIST_PAGE)))
                .appVersions().stream().anyMatch(v -> !DRAFT.equals(v.appVersion())
                        // The filter's bound may be inclusive: a version published just before the assessment
                        // started is the one it assessed.
                        && (v.creationTime() == null || v.creationTime().isAfter(since)));
    }

    private void startAssessment(ResiliencehubClient hub) {
        AppAssessment started;
        try {
            started = aws.call("resiliencehub:StartAppAssessment", () -> hub.startAppAssessment(r -> r
                    .appArn(request.appArn()).appVersion(RELEASE).assessmentName(request.assessmentName())
                    // The name is unique per build: Resilience Hub answers a retried call with the same assessment.
                    .clientToken(request.assessmentName()))).assessment();
        } catch (StageException e) {
            if (e.getCause() instanceof AwsServiceException ase
                    && "ServiceQuotaExceededException".equals(AwsErrors.errorCode(ase))) {
                throw new StageException(StageException.Kind.AWS, "Resilience Hub refused a new assessment of "
                        + progress.appName() + ": the quota of assessments is used up (" + progress.quotaUsed()
                        + " started this month; the default quota is " + ResilienceHubGateResult.MONTHLY_QUOTA
                        + " per application and month). Resilience Hub said: " + ase.awsErrorDetails().errorMessage(),
                        "Ask AWS Support to raise the quota, or run without forceAssessment so that an unchanged "
                                + "version reuses its last assessment.", e);
            }
            if (isNotFound(e) && !progress.published()) {
                throw StageException.invalidInput("Resilience Hub application " + progress.appName()
                        + " has no published version to assess.", "Give stackArns, terraformStateFiles or "
                        + "eksSources to import and publish, or publish a version in the Resilience Hub console.");
            }
            throw e;
        }
        progress = progress.assessing(started.assessmentArn(), false, progress.quotaUsed() + 1);
        log.info("Started assessment %s (%s) of the published version of %s: %d of %d assessments used this "
                + "month. Resilience Hub cannot cancel an assessment once started.", request.assessmentName(),
                started.assessmentArn(), progress.appName(), progress.quotaUsed(),
                ResilienceHubGateResult.MONTHLY_QUOTA);
    }

    // ----- the assessment

    private PollOutcome<ResilienceHubGateResult> pollAssessment(ResiliencehubClient hub) {
        AppAssessment a = aws.call("resiliencehub:DescribeAppAssessment",
                () -> hub.describeAppAssessment(r -> r.assessmentArn(progress.assessmentArn()))).assessment();
        if (a == null) {
            throw unexpected("DescribeAppAssessment answer", "no assessment");
        }
        String s = nullToEmpty(a.assessmentStatusAsString());
        switch (s) {
            case "Pending", "InProgress" -> {
                boolean changed = !s.equals(progress.lastStatus());
                progress = progress.withStatus(s);
                if (changed) {
                    log.info("Assessment %s: %s.", request.assessmentName(), s);
                }
                String line = "assessment " + s;
                return changed ? PollOutcome.progressed(line) : PollOutcome.waiting(line);
            }
            case "Success", "Failed" -> {
                progress = progress.withStatus(s);
                return PollOutcome.done(new AssessmentVerdict(request, progress, aws, hub, log)
                        .judge(a, consoleUrl(), elapsed()));
            }
            default -> throw unexpected("assessment status", s);
        }
    }

    // ----- small parts

    private App describeApp(ResiliencehubClient hub) {
        App app;
        try {
            app = aws.call("resiliencehub:DescribeApp", () -> hub.describeApp(r -> r.appArn(request.appArn()))).app();
        } catch (StageException e) {
            if (isNotFound(e)) {
                throw StageException.invalidInput("Resilience Hub application " + request.appArn()
                        + " was not found in " + request.appRegion() + ".", "Check appArn, and that the "
                        + "credentials belong to the account that owns the application ("
                        + aws.settings().describe() + ").");
            }
            throw e;
        }
        if (app == null || app.name() == null) {
            throw unexpected("DescribeApp answer", "no application");
        }
        if ("Deleting".equals(app.statusAsString())) {
            throw StageException.invalidInput("Resilience Hub application " + app.name() + " is being deleted.",
                    "Assess an active application.");
        }
        return app;
    }

    /** This calendar month's assessments of the application (newest first), and the newest successful one. */
    private record Month(int started, Optional<AppAssessmentSummary> lastSuccess) {}

    private Month monthOf(ResiliencehubClient hub) {
        Instant monthStart = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).withDayOfMonth(1)
                .toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        int started = 0;
        AppAssessmentSummary lastSuccess = null;
        String token = null;
        boolean older = false;
        do {
            String next = token;
            ListAppAssessmentsResponse page = aws.call("resiliencehub:ListAppAssessments", () -> hub
                    .listAppAssessments(r -> r.appArn(request.appArn()).reverseOrder(true).maxResults(LIST_PAGE)
                            .nextToken(next)));
            for (AppAssessmentSummary a : page.assessmentSummaries()) {
                Instant start = a.startTime();
                if (start != null && !start.isBefore(monthStart)) {
                    started++;
                } else {
                    older = true;
                }
                if (lastSuccess == null && "Success".equals(a.assessmentStatusAsString()) && start != null) {
                    lastSuccess = a;
                }
            }
            token = page.nextToken();
            // Newest first: once an older page is reached, the count is complete and a success was looked for.
        } while (token != null && !(older && lastSuccess != null));
        return new Month(started, Optional.ofNullable(lastSuccess));
    }

    private ResiliencehubClient hub() {
        return aws.client(ResiliencehubClient::builder);
    }

    private String subject() {
        if (progress == null || progress.phase() == Phase.IMPORTING) {
            return "the import into the draft version of Resilience Hub application "
                    + (progress == null ? request.appArn() : progress.appName());
        }
        return "Resilience Hub assessment " + request.assessmentName() + " of " + progress.appName();
    }

    private String goesOn() {
        if (progress.phase() == Phase.IMPORTING) {
            return "The import goes on in Resilience Hub; nothing was published or assessed.";
        }
        return "Resilience Hub cannot cancel an assessment: " + progress.assessmentArn() + " runs to its end and "
                + "counts against the monthly quota. See " + consoleUrl() + ".";
    }

    private String describeSources() {
        List<String> parts = new ArrayList<>();
        if (!request.stackArns().isEmpty()) {
            parts.add(request.stackArns().size() + " CloudFormation stack(s)");
        }
        if (!request.terraformStateFiles().isEmpty()) {
            parts.add(request.terraformStateFiles().size() + " Terraform state file(s)");
        }
        if (!request.eksSources().isEmpty()) {
            parts.add(request.eksSources().size() + " EKS cluster(s)");
        }
        return String.join(", ", parts);
    }

    /** The application's page in the Resilience Hub console. */
    String consoleUrl() {
        String region = request.appRegion();
        Partition p = Partition.forRegion(region);
        String host = p == Partition.AWS ? region + "." + p.consoleHost() : p.consoleHost();
        return "https://" + host + "/resiliencehub/home?region=" + region + "#/applications/" + request.appId();
    }

    private Duration elapsed() {
        return Duration.between(progress.startedAt(), clock.instant());
    }

    static boolean isNotFound(StageException e) {
        return e.getCause() instanceof AwsServiceException ase
                && "ResourceNotFoundException".equals(AwsErrors.errorCode(ase));
    }

    private static StageException unexpected(String what, String value) {
        return new StageException(StageException.Kind.AWS, "Resilience Hub answered an unexpected " + what + ": '"
                + value + "'.", "Update this plugin if Resilience Hub added a status; otherwise retry the build.");
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static GateVerdict verdictFor(Action action) {
        return switch (action) {
            case FAIL -> GateVerdict.FAILED;
            case UNSTABLE -> GateVerdict.UNSTABLE;
            case PASS -> GateVerdict.PASSED;
        };
    }
}
