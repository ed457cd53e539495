package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One AWS Health event as the gate reports it.
 *
 * @param latestDescription the first line of the event's latest description, or empty when AWS gave none
 * @param affectedEntities how many of the account's (or organization's) resources it affects
 * @param accountIds in the organizational view, the accounts it affects; empty otherwise
 */
public record HealthEvent(String arn, String service, String region, String eventTypeCode, String category,
                          String status, String scope, Instant startTime, Instant lastUpdatedTime,
                          String latestDescription, long affectedEntities, List<String> accountIds) {

    public boolean accountSpecific() {
        return "ACCOUNT_SPECIFIC".equals(scope);
    }

    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("arn", arn).put("service", service).put("region", region).put("eventTypeCode", eventTypeCode)
                .put("category", category).put("status", status).put("scope", scope)
                .put("startTime", startTime).put("lastUpdatedTime", lastUpdatedTime)
                .put("latestDescription", latestDescription).put("affectedEntities", affectedEntities)
                .put("accountIds", accountIds).build();
    }
}
