package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import java.util.Map;

/**
 * One disruption type of an assessment: the application's estimated recovery against the policy's targets.
 * Times are in seconds; a time Resilience Hub did not report is null and left out of {@link #toMap()}.
 *
 * @param type Software, Hardware, AZ or Region
 * @param complianceStatus PolicyMet, PolicyBreached, MissingPolicy or NotApplicable
 * @param currentRtoSeconds the estimated recovery time of the application as it is
 * @param targetRtoSeconds the policy's recovery time objective
 * @param currentRpoSeconds the estimated recovery point of the application as it is
 * @param targetRpoSeconds the policy's recovery point objective
 * @param achievableRtoSeconds the best recovery time Resilience Hub thinks reachable
 * @param achievableRpoSeconds the best recovery point Resilience Hub thinks reachable
 * @param message Resilience Hub's explanation, empty when none
 */
public record DisruptionCompliance(String type, String complianceStatus, Integer currentRtoSeconds,
                                   Integer targetRtoSeconds, Integer currentRpoSeconds, Integer targetRpoSeconds,
                                   Integer achievableRtoSeconds, Integer achievableRpoSeconds, String message) {

    public boolean breached() {
        return "PolicyBreached".equals(complianceStatus);
    }

    public Map<String, Object> toMap() {
        return PlainValues.map().put("type", type).put("complianceStatus", complianceStatus)
                .put("currentRtoSeconds", currentRtoSeconds).put("targetRtoSeconds", targetRtoSeconds)
                .put("currentRpoSeconds", currentRpoSeconds).put("targetRpoSeconds", targetRpoSeconds)
                .put("achievableRtoSeconds", achievableRtoSeconds).put("achievableRpoSeconds", achievableRpoSeconds)
                .put("message", message).build();
    }

    /** {@code AZ        PolicyBreached  RTO 3600s (target 1800s)  RPO 0s (target 300s)}. */
    public String line() {
        return String.format("%-9s %-15s RTO %s (target %s)  RPO %s (target %s)%s", type, complianceStatus,
                seconds(currentRtoSeconds), seconds(targetRtoSeconds), seconds(currentRpoSeconds),
                seconds(targetRpoSeconds), message.isEmpty() ? "" : "  " + message);
    }

    private static String seconds(Integer s) {
        return s == null ? "-" : s + "s";
    }
}
