package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code resilienceHubGate} assesses and how it judges the result.
 *
 * @param appArn the Resilience Hub application
 * @param stackArns CloudFormation stacks to import into the draft version (any account or region of the partition)
 * @param terraformStateFiles Terraform state files in S3 to import ({@code s3://bucket/key} or an S3 HTTPS URL)
 * @param eksSources EKS clusters and namespaces to import
 * @param importStrategy AddOnly keeps resources already in the draft; ReplaceAll replaces them with the sources
 * @param assessmentName the assessment's name; the same name on a resumed build finds the assessment again
 * @param timeout how long the import and the assessment together may take
 * @param onBreach what a PolicyBreached verdict does to the build
 * @param onMissingPolicy what MissingPolicy, NotApplicable or NotAssessed does to the build
 * @param forceAssessment start a new assessment even when the published version was assessed already
 * @param pollInterval the first delay between looks at the import or assessment; backs off to 2 × this
 */
public record ResilienceHubGateRequest(String appArn, List<String> stackArns, List<String> terraformStateFiles,
                                       List<EksSource> eksSources, ImportStrategy importStrategy,
                                       String assessmentName, Duration timeout, Action onBreach,
                                       Action onMissingPolicy, boolean forceAssessment, Duration pollInterval)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How imported resources combine with those already in the draft version. */
    public enum ImportStrategy { AddOnly, ReplaceAll }

    /** What a verdict does to the build. */
    public enum Action { FAIL, UNSTABLE, PASS }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    /** The state machine of the documented pipeline waits 30 to 60 s between looks; so does the gate. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);

    private static final Pattern APP_ARN = Pattern.compile(
            "arn:([a-z-]+):resiliencehub:([a-z0-9-]+):(\\d{12}):app/([A-Za-z0-9][A-Za-z0-9_-]*)");
    private static final Pattern STACK_ARN = Pattern.compile(
            "arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\\d{12}):stack/[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9-]+");
    /** The service model's S3Url: {@code s3://bucket/key} or a virtual-hosted S3 HTTPS URL. */
    private static final Pattern S3_URL = Pattern.compile(
            "((https://([^/]+)\\.s3((-|\\.)[^/]+)?\\.amazonaws\\.com(\\.cn)?)|(s3://([^/]+)))/\\S{1,2000}");

    public ResilienceHubGateRequest {
        appArn = appArn == null ? "" : appArn.trim();
        Matcher app = APP_ARN.matcher(appArn);
        if (!app.matches()) {
            throw StageException.invalidInput("appArn '" + appArn + "' is not a Resilience Hub application ARN.",
                    "Copy the ARN from the application's page in the Resilience Hub console: "
                            + "arn:aws:resiliencehub:eu-west-1:123456789012:app/0f1e2d3c-....");
        }
        String partition = app.group(1);
        String expected = Partition.forRegion(app.group(2)).id();
        if (!partition.equals(expected)) {
            throw StageException.invalidInput("appArn '" + appArn + "' names partition '" + partition
                    + "', but region " + app.group(2) + " is in partition '" + expected + "'.",
                    "Use the ARN exactly as Resilience Hub shows it.");
        }
        stackArns = clean(stackArns);
        for (String s : stackArns) {
            Matcher m = STACK_ARN.matcher(s);
            if (!m.matches()) {
                throw StageException.invalidInput("stackArns: '" + s + "' is not a CloudFormation stack ARN.",
                        "Use the stack ID, arn:aws:cloudformation:eu-west-1:123456789012:stack/name/uuid "
                                + "(aws cloudformation describe-stacks --stack-name name --query Stacks[0].StackId).");
            }
            samePartition("stackArns", s, m.group(1), partition);
        }
        terraformStateFiles = clean(terraformStateFiles);
        for (String t : terraformStateFiles) {
            if (!S3_URL.matcher(t).matches()) {
                throw StageException.invalidInput("terraformStateFiles: '" + t + "' is not an S3 URL.",
                        "Use s3://bucket/path/terraform.tfstate or https://bucket.s3.eu-west-1.amazonaws.com/"
                                + "path/terraform.tfstate.");
            }
        }
        eksSources = eksSources == null ? List.of() : List.copyOf(eksSources);
        for (EksSource e : eksSources) {
            samePartition("eksSources", e.clusterArn(), e.partition(), partition);
        }
        if (importStrategy == ImportStrategy.ReplaceAll && !hasSources(stackArns, terraformStateFiles, eksSources)) {
            throw StageException.invalidInput("importStrategy ReplaceAll was given without any source to import.",
                    "Give stackArns, terraformStateFiles or eksSources, or leave importStrategy at AddOnly to "
                            + "assess the application as it is.");
        }
        importStrategy = importStrategy == null ? ImportStrategy.AddOnly : importStrategy;
        assessmentName = assessmentName == null || assessmentName.isBlank() ? null
                : AssessmentName.require(assessmentName);
        if (assessmentName == null) {
            throw StageException.invalidInput("No assessmentName was given.",
                    "Give a name, or let the front end derive one from the job and build "
                            + "(AssessmentName.forBuild).");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw StageException.invalidInput("timeout " + timeout + " is not positive.",
                    "Give how long the import and the assessment may take, such as 1h; assessments usually take "
                            + "5 to 30 minutes.");
        }
        onBreach = onBreach == null ? Action.FAIL : onBreach;
        onMissingPolicy = onMissingPolicy == null ? Action.FAIL : onMissingPolicy;
        pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw StageException.invalidInput("pollInterval " + pollInterval.toMillis() + " ms is too short.",
                    "Use 1 second or more; imports and assessments take minutes.");
        }
    }

    /**
     * Imports and assessments take minutes: the poll interval (30 s, as the documented state machine waits) after
     * progress, backing off by half to twice it (a minute), and up to 10 × it (5 minutes) while Resilience Hub
     * throttles.
     */
    public WaitPolicy waitPolicy() {
        return new WaitPolicy(pollInterval, pollInterval.multipliedBy(2), 1.5, 0.2, pollInterval.multipliedBy(10));
    }

    /** True when resources are imported before publishing; otherwise the published version is assessed as is. */
    public boolean imports() {
        return hasSources(stackArns, terraformStateFiles, eksSources);
    }

    /** The application's region, from its ARN. */
    public String appRegion() {
        return appArn.split(":")[3];
    }

    /** The application's ID, the last part of its ARN. */
    public String appId() {
        return appArn.substring(appArn.indexOf(":app/") + 5);
    }

    public static Builder builder(String appArn, String assessmentName) {
        return new Builder(appArn, assessmentName);
    }

    /** {@code fail}, {@code unstable} or {@code pass}, as users write it. */
    public static Action action(String parameter, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Action.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StageException.invalidInput(parameter + " '" + text + "' is not an action.",
                    "Use fail, unstable or pass.");
        }
    }

    /** {@code AddOnly} or {@code ReplaceAll}, in any case. */
    public static ImportStrategy importStrategy(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        for (ImportStrategy s : ImportStrategy.values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw StageException.invalidInput("importStrategy '" + text + "' is not an import strategy.",
                "Use AddOnly (keep resources already in the draft) or ReplaceAll.");
    }

    private static boolean hasSources(List<String> stacks, List<String> terraform, List<EksSource> eks) {
        return !stacks.isEmpty() || !terraform.isEmpty() || !eks.isEmpty();
    }

    private static void samePartition(String parameter, String arn, String partition, String appPartition) {
        if (!partition.equals(appPartition)) {
            throw StageException.invalidInput(parameter + ": '" + arn + "' is in partition '" + partition
                    + "', the application in '" + appPartition + "'.",
                    "Resilience Hub imports resources of the application's own partition only.");
        }
    }

    private static List<String> clean(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values == null ? List.<String>of() : values) {
            for (String part : (v == null ? "" : v).split("[,\\s]+")) {
                if (!part.isBlank() && !out.contains(part.trim())) {
                    out.add(part.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    /** Named-argument construction, since most parameters are optional. */
    public static final class Builder {
        private final String appArn;
        private final String assessmentName;
        private List<String> stackArns = List.of();
        private List<String> terraformStateFiles = List.of();
        private List<EksSource> eksSources = List.of();
        private ImportStrategy importStrategy;
        private Duration timeout;
        private Action onBreach;
        private Action onMissingPolicy;
        private boolean forceAssessment;
        private Duration pollInterval;

        Builder(String appArn, String assessmentName) {
            this.appArn = appArn;
            this.assessmentName = assessmentName;
        }

        public Builder stackArns(List<String> v) { stackArns = v; return this; }
        public Builder terraformStateFiles(List<String> v) { terraformStateFiles = v; return this; }
        public Builder eksSources(List<EksSource> v) { eksSources = v; return this; }
        public Builder importStrategy(ImportStrategy v) { importStrategy = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder onBreach(Action v) { onBreach = v; return this; }
        public Builder onMissingPolicy(Action v) { onMissingPolicy = v; return this; }
        public Builder forceAssessment(boolean v) { forceAssessment = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }

        public ResilienceHubGateRequest build() {
            return new ResilienceHubGateRequest(appArn, stackArns, terraformStateFiles, eksSources, importStrategy,
                    assessmentName, timeout, onBreach, onMissingPolicy, forceAssessment, pollInterval);
        }
    }
}
