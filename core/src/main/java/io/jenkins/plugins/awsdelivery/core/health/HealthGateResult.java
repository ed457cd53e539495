package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.GateResult;
import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.PlainValues;
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
 * @param apiCalls HTTP requests sent to AWS Health: every attempt, retries and failovers included
 * @param apiCallsByOperation the same by operation ({@code DescribeEvents})
 * @param warnings calls that only add detail (event descriptions, entity counts, affected accounts) and failed;
 *     they never change the verdict
 */
public record HealthGateResult(GateVerdict verdict, String message, List<HealthEvent> events, boolean unavailable,
                               String endpointRegion, boolean failedOver, int checks, long apiCalls,
                               Map<String, Long> apiCallsByOperation, List<String> warnings)
        implements GateResult {

    public HealthGateResult {
        events = List.copyOf(events);
        apiCallsByOperation = Map.copyOf(apiCallsByOperation);
        warnings = List.copyOf(warnings);
    }



    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("verdict", verdict).put("passed", passed()).put("message", message)
                .put("eventCount", events.size())
                .put("events", events.stream().map(HealthEvent::toMap).toList())
                .put("unavailable", unavailable).put("endpointRegion", endpointRegion).put("failedOver", failedOver)
                .put("checks", checks).put("apiCalls", apiCalls)
                .put("apiCallsByOperation", new java.util.TreeMap<>(apiCallsByOperation))
                .put("warnings", warnings)
                .build();
    }
}
