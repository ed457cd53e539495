package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.GateResult;
import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.PlainValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gate's verdict and the assessment behind it.
 *
 * @param verdict PASSED, UNSTABLE or FAILED
 * @param message one sentence saying why
 * @param assessmentStatus Success, Failed, or Pending/InProgress when the wait timed out
 * @param complianceStatus PolicyMet, PolicyBreached, MissingPolicy, NotApplicable, or NotAssessed when the
 *     assessment gave none
 * @param reused true when an earlier assessment of the same published version was reused
 * @param publishedVersion the application version this gate published; empty when it published none
 * @param resiliencyScore the assessment's resiliency score, 0 to 100
 * @param disruptions per disruption type: actual RTO/RPO against the policy's targets
 * @param riskRecommendations risk recommendations in the assessment's summary
 * @param componentRecommendations application component recommendations
 * @param alarmRecommendations alarm recommendations
 * @param quotaUsedThisMonth assessments of the application started this calendar month (UTC), this one included
 * @param warnings what could not be read (recommendation counts); never changes the verdict
 * @param apiCalls AWS API calls the gate made
 */
public record ResilienceHubGateResult(GateVerdict verdict, String message, String appArn, String appName,
                                      String assessmentArn, String assessmentName, String assessmentStatus,
                                      String complianceStatus, boolean reused, String publishedVersion,
                                      double resiliencyScore, List<DisruptionCompliance> disruptions,
                                      int riskRecommendations, int componentRecommendations,
                                      int alarmRecommendations, int quotaUsedThisMonth, String consoleUrl,
                                      List<String> warnings, Duration duration, long apiCalls)
        implements GateResult {

    /** Resilience Hub's default quota of assessments per application and month. */
    public static final int MONTHLY_QUOTA = 20;


    public ResilienceHubGateResult {
        disruptions = List.copyOf(disruptions);
        warnings = List.copyOf(warnings);
    }


    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("verdict", verdict).put("passed", passed()).put("message", message)
                .put("appArn", appArn).put("appName", appName)
                .put("assessmentArn", assessmentArn).put("assessmentName", assessmentName)
                .put("assessmentStatus", assessmentStatus).put("complianceStatus", complianceStatus)
                .put("reused", reused).put("publishedVersion", publishedVersion)
                .put("resiliencyScore", resiliencyScore)
                .put("disruptions", disruptions.stream().map(DisruptionCompliance::toMap).toList())
                .put("recommendations", PlainValues.map().put("risk", riskRecommendations)
                        .put("appComponent", componentRecommendations).put("alarm", alarmRecommendations)
                        .put("total", riskRecommendations + componentRecommendations + alarmRecommendations)
                        .build())
                .put("quotaUsedThisMonth", quotaUsedThisMonth).put("quotaPerMonth", MONTHLY_QUOTA)
                .put("consoleUrl", consoleUrl).put("warnings", warnings)
                .put("durationSeconds", duration.toSeconds()).put("apiCalls", apiCalls)
                .build();
    }
}
