package io.jenkins.plugins.awsdelivery.health;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import java.util.List;

/** The parameters the Pipeline step and the freestyle build step share, and the one way they become a request. */
interface HealthGateParameters {

    List<String> getServices();

    List<String> getRegions();

    List<String> getEventTypeCategories();

    List<String> getStatuses();

    String getUpcomingWithin();

    List<String> getEntityArns();

    String getScope();

    List<String> getIgnoreEventTypes();

    List<String> getOnlyEventTypes();

    boolean isOrganization();

    List<String> getAccountIds();

    String getOnEvent();

    String getOnUnavailable();

    String getTimeout();

    String getPollInterval();

    /** The list parameters, as named in forms. */
    String[] LIST_FIELDS = {"services", "regions", "eventTypeCategories", "statuses", "entityArns",
        "ignoreEventTypes", "onlyEventTypes", "accountIds"};

    /** @throws io.jenkins.plugins.awsdelivery.core.StageException when a parameter is invalid */
    default HealthGateRequest toRequest() {
        return HealthGateRequest.builder()
                .services(getServices()).regions(getRegions()).eventTypeCategories(getEventTypeCategories())
                .statuses(getStatuses())
                .upcomingWithin(getUpcomingWithin() == null ? null
                        : DurationText.parse("upcomingWithin", getUpcomingWithin()))
                .entityArns(getEntityArns()).scope(HealthGateRequest.scope(getScope()))
                .ignoreEventTypes(getIgnoreEventTypes()).onlyEventTypes(getOnlyEventTypes())
                .organization(isOrganization()).accountIds(getAccountIds())
                .onEvent(HealthGateRequest.onEvent(getOnEvent()))
                .onUnavailable(HealthGateRequest.onUnavailable(getOnUnavailable()))
                .timeout(getTimeout() == null ? null : DurationText.parse("timeout", getTimeout()))
                .pollInterval(getPollInterval() == null ? null : DurationText.parse("pollInterval", getPollInterval()))
                .build();
    }
}
