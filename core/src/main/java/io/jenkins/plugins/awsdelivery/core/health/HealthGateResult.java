package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.util.List;
import java.util.Map;

/**
 * The gate's verdict and what it saw.
 *
 * @param verdict PASSED, UNSTABLE or FAILED
 * @param message one sentence saying why
 * @param events the matching events (empty when none)
 * @param unavailable true when the account could not use the Health API
 * @param endpointRegion the region of the Health endpoint that answered
 * @param failedOver true when the active endpoint failed and the passive one answered
 * @param checks how many times the gate asked AWS Health
 * @param apiCalls AWS Health API calls made
 */
public record HealthGateResult(Verdict verdict, String message, List<HealthEvent> events, boolean unavailable,
                               String endpointRegion, boolean failedOver, int checks, long apiCalls)
        implements StageResult {

    /** The gate's answer. */
    public enum Verdict { PASSED, UNSTABLE, FAILED }

    public boolean passed() {
        return verdict == Verdict.PASSED;
    }

    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("verdict", verdict).put("passed", passed()).put("message", message)
                .put("eventCount", events.size())
                .put("events", events.stream().map(HealthEvent::toMap).toList())
                .put("unavailable", unavailable).put("endpointRegion", endpointRegion).put("failedOver", failedOver)
                .put("checks", checks).put("apiCalls", apiCalls)
                .build();
    }

    HealthGateResult withVerdict(Verdict v, String why, int totalChecks) {
        return new HealthGateResult(v, why, events, unavailable, endpointRegion, failedOver, totalChecks, apiCalls);
    }
}
