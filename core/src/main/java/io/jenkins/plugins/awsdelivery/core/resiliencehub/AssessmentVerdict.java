package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import static io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGate.nullToEmpty;

import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.resiliencehub.ResiliencehubClient;
import software.amazon.awssdk.services.resiliencehub.model.AppAssessment;
import software.amazon.awssdk.services.resiliencehub.model.FailurePolicy;

/**
 * Turns a finished assessment into the gate's verdict: the compliance status against {@code onBreach} and
 * {@code onMissingPolicy}, each disruption type's recovery against the policy, and the recommendation counts. The
 * counts are best effort: a failing call is a warning, never a changed verdict.
 */
final class AssessmentVerdict {

    /** Resilience Hub's disruption types, in the order its console shows them. */
    private static final List<String> DISRUPTION_TYPES = List.of("Software", "Hardware", "AZ", "Region");

    private final ResilienceHubGateRequest request;
    private final ResilienceHubProgress progress;
    private final AwsClientFactory aws;
    private final ResiliencehubClient hub;
    private final StageLog log;

    AssessmentVerdict(ResilienceHubGateRequest request, ResilienceHubProgress progress, AwsClientFactory aws,
                      ResiliencehubClient hub, StageLog log) {
        this.request = request;
        this.progress = progress;
        this.aws = aws;
        this.hub = hub;
        this.log = log;
    }

    ResilienceHubGateResult judge(AppAssessment a, String consoleUrl, Duration elapsed) {
        String name = a.assessmentName() == null ? request.assessmentName() : a.assessmentName();
        if ("Failed".equals(a.assessmentStatusAsString())) {
            String message = "Resilience Hub assessment " + name + " of " + progress.appName() + " failed: "
                    + (a.message() == null ? "no reason given" : a.message()) + ".";
            log.warn(message);
            return result(GateVerdict.FAILED, message, a, "NotAssessed", List.of(), new int[3], List.of(), consoleUrl,
                    elapsed);
        }
        String compliance = a.complianceStatusAsString() == null ? "NotAssessed" : a.complianceStatusAsString();
        List<DisruptionCompliance> disruptions = disruptions(a);
        GateVerdict verdict;
        String why;
        switch (compliance) {
            case "PolicyMet" -> {
                verdict = GateVerdict.PASSED;
                why = "meets its resiliency policy";
            }
            case "PolicyBreached" -> {
                verdict = ResilienceHubGate.verdictFor(request.onBreach());
                why = "breaches its resiliency policy in " + String.join(", ", disruptions.stream()
                        .filter(DisruptionCompliance::breached).map(DisruptionCompliance::type).toList());
            }
            default -> {
                verdict = ResilienceHubGate.verdictFor(request.onMissingPolicy());
                why = "could not be judged against a policy (" + compliance + ")";
            }
        }
        String message = progress.appName() + " " + why + " (assessment " + name
                + (progress.reused() ? ", reused" : "") + ", resiliency score " + score(a) + ")"
                + switch (verdict) {
                    case PASSED -> compliance.equals("PolicyMet") ? "." : "; passing as configured.";
                    case UNSTABLE -> "; marking the build unstable as configured.";
                    case FAILED -> ".";
                };
        log.info("Assessment %s: %s, %s.", name, a.assessmentStatusAsString(), compliance);
        for (DisruptionCompliance d : disruptions) {
            log.info("  %s", d.line());
        }
        List<String> warnings = new ArrayList<>();
        int risk = a.summary() != null && a.summary().hasRiskRecommendations()
                ? a.summary().riskRecommendations().size() : 0;
        int components = count("resiliencehub:ListAppComponentRecommendations", warnings, token -> {
            var page = hub.listAppComponentRecommendations(r -> r.assessmentArn(a.assessmentArn()).nextToken(token));
            return new Page(page.componentRecommendations().size(), page.nextToken());
        });
        int alarms = count("resiliencehub:ListAlarmRecommendations", warnings, token -> {
            var page = hub.listAlarmRecommendations(r -> r.assessmentArn(a.assessmentArn()).nextToken(token));
            return new Page(page.alarmRecommendations().size(), page.nextToken());
        });
        log.info("Recommendations: %d risk, %d application component, %d alarm. %s", risk, components, alarms,
                consoleUrl);
        if (verdict == GateVerdict.PASSED && "PolicyMet".equals(compliance)) {
            log.info(message);
        } else {
            log.warn(message);
        }
        return result(verdict, message, a, compliance, disruptions, new int[] {risk, components, alarms}, warnings,
                consoleUrl, elapsed);
    }

    /** @param counts risk, application component and alarm recommendations */
    private ResilienceHubGateResult result(GateVerdict verdict, String message, AppAssessment a, String compliance,
                                           List<DisruptionCompliance> disruptions, int[] counts,
                                           List<String> warnings, String consoleUrl, Duration elapsed) {
        return new ResilienceHubGateResult(verdict, message, request.appArn(), progress.appName(),
                nullToEmpty(a.assessmentArn()), a.assessmentName() == null ? request.assessmentName()
                : a.assessmentName(), nullToEmpty(a.assessmentStatusAsString()), compliance, progress.reused(),
                progress.publishedVersion(), score(a), disruptions, counts[0], counts[1], counts[2], progress.quotaUsed(),
                consoleUrl, warnings, elapsed, aws.calls().totalAttempts());
    }

    private static double score(AppAssessment a) {
        return a.resiliencyScore() == null || a.resiliencyScore().score() == null ? 0
                : Math.round(a.resiliencyScore().score() * 10) / 10.0;
    }

    private static List<DisruptionCompliance> disruptions(AppAssessment a) {
        Map<String, software.amazon.awssdk.services.resiliencehub.model.DisruptionCompliance> actual =
                a.hasCompliance() ? a.complianceAsStrings() : Map.of();
        Map<String, FailurePolicy> targets = a.policy() != null && a.policy().hasPolicy()
                ? a.policy().policyAsStrings() : Map.of();
        List<String> types = new ArrayList<>(DISRUPTION_TYPES);
        actual.keySet().stream().filter(t -> !types.contains(t)).sorted().forEach(types::add);
        List<DisruptionCompliance> out = new ArrayList<>();
        for (String type : types) {
            var c = actual.get(type);
            FailurePolicy target = targets.get(type);
            if (c == null && target == null) {
                continue;
            }
            out.add(new DisruptionCompliance(type, c == null || c.complianceStatusAsString() == null ? "NotAssessed"
                    : c.complianceStatusAsString(), c == null ? null : c.currentRtoInSecs(),
                    target == null ? null : target.rtoInSecs(), c == null ? null : c.currentRpoInSecs(),
                    target == null ? null : target.rpoInSecs(), c == null ? null : c.achievableRtoInSecs(),
                    c == null ? null : c.achievableRpoInSecs(), c == null ? "" : nullToEmpty(c.message())));
        }
        return out;
    }

    private record Page(int size, String nextToken) {}

    private int count(String action, List<String> warnings, Function<String, Page> call) {
        int total = 0;
        String token = null;
        try {
            do {
                String t = token;
                Page page = aws.call(action, () -> call.apply(t));
                total += page.size();
                token = page.nextToken();
            } while (token != null);
            return total;
        } catch (StageException e) {
            String w = "Could not count recommendations (" + action + "); the verdict does not depend on them: "
                    + e.describe();
            log.warn(w);
            warnings.add(w);
            return total;
        }
    }
}
