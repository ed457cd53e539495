package io.jenkins.plugins.awsdelivery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.ErrorReply;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeResponse;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.RecordedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A scripted AWS Health API (JSON 1.1, {@code AWSHealth_20160804}) with events, details, affected entities and
 * accounts, pagination and the organizational view. Events can be scripted to close after a number of checks.
 * Failures (throttling, SubscriptionRequiredException, an endpoint that is down) go through {@link #server()}.
 */
public final class FakeHealth implements AutoCloseable {

    /** An event as the fake holds it. */
    public static final class FakeEvent {
        final String arn;
        final String service;
        final String eventTypeCode;
        final String category;
        final String region;
        final String scope;
        final Instant startTime;
        String status;
        String description = "";
        List<String> entities = List.of();
        List<String> accounts = List.of();
        int closeAfterChecks = -1;

        FakeEvent(String arn, String service, String eventTypeCode, String category, String region, String scope,
                  String status, Instant startTime) {
            this.arn = arn;
            this.service = service;
            this.eventTypeCode = eventTypeCode;
            this.category = category;
            this.region = region;
            this.scope = scope;
            this.status = status;
            this.startTime = startTime;
        }

        public FakeEvent description(String text) {
            this.description = text;
            return this;
        }

        public FakeEvent entities(String... arns) {
            this.entities = List.of(arns);
            return this;
        }

        public FakeEvent accounts(String... ids) {
            this.accounts = List.of(ids);
            return this;
        }

        /** The event's status becomes {@code closed} after this many DescribeEvents calls that returned it. */
        public FakeEvent closeAfterChecks(int checks) {
            this.closeAfterChecks = checks;
            return this;
        }
    }

    private final FakeAwsServer server;
    private final List<FakeEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private volatile int pageSize = 100;
    private volatile boolean subscriptionRequired;

    public FakeHealth() {
        server = new FakeAwsServer(FakeAwsServer.Protocol.JSON_1_1, "health");
        server.on("DescribeEvents", r -> describeEvents(r, false));
        server.on("DescribeEventsForOrganization", r -> describeEvents(r, true));
        server.on("DescribeEventDetails", r -> details(r, false));
        server.on("DescribeEventDetailsForOrganization", r -> details(r, true));
        server.on("DescribeEntityAggregates", this::aggregates);
        server.on("DescribeAffectedAccountsForOrganization", this::affectedAccounts);
    }

    public FakeAwsServer server() {
        return server;
    }

    /** Adds an event; ARNs follow the real form. */
    public FakeEvent event(String service, String eventTypeCode, String region, String scope, String status) {
        String arn = "arn:aws:health:" + (region.equals("global") ? "us-east-1" : region) + "::event/" + service + "/"
                + eventTypeCode + "/" + eventTypeCode + "_" + (events.size() + 1);
        FakeEvent e = new FakeEvent(arn, service, eventTypeCode, "issue", region, scope, status,
                Instant.parse("2026-11-24T08:00:00Z"));
        events.add(e);
        return e;
    }

    public FakeEvent event(String service, String eventTypeCode, String category, String region, String scope,
                           String status, Instant startTime) {
        String arn = "arn:aws:health:" + region + "::event/" + service + "/" + eventTypeCode + "/x" + events.size();
        FakeEvent e = new FakeEvent(arn, service, eventTypeCode, category, region, scope, status, startTime);
        events.add(e);
        return e;
    }

    /** Pages of at most this many events, to exercise nextToken. */
    public FakeHealth pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** Every call answers SubscriptionRequiredException, as for an account without a support plan. */
    public FakeHealth subscriptionRequired(boolean required) {
        this.subscriptionRequired = required;
        return this;
    }

    /** Closes every open event, as when AWS resolves an issue. */
    public void closeAll() {
        events.forEach(e -> e.status = "closed");
    }

    @Override
    public void close() {
        server.close();
    }

    private void requireSubscription() {
        if (subscriptionRequired) {
            throw new ErrorReply(new FakeError(400, "SubscriptionRequiredException",
                    "The requested resource requires a Business, Enterprise On-Ramp, or Enterprise Support plan."));
        }
    }

    private FakeResponse describeEvents(RecordedRequest r, boolean organization) {
        requireSubscription();
        JsonNode filter = r.json().path("filter");
        int max = r.json().path("maxResults").asInt(100);
        if (max < 1 || max > 100) {
            throw new ErrorReply(new FakeError(400, "ValidationException", "maxResults must be 1 to 100"));
        }
        List<FakeEvent> matching = new ArrayList<>();
        for (FakeEvent e : events) {
            if (in(filter, "services", e.service) && in(filter, "regions", e.region)
                    && in(filter, "eventTypeCategories", e.category) && in(filter, "eventStatusCodes", e.status)
                    && anyIn(filter, "entityArns", e.entities::contains)
                    && (!organization || anyIn(filter, "awsAccountIds", e.accounts::contains))) {
                matching.add(e);
            }
        }
        int start = r.json().hasNonNull("nextToken") ? Integer.parseInt(r.json().get("nextToken").asText()) : 0;
        int end = Math.min(matching.size(), start + Math.min(max, pageSize));
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("events");
        for (FakeEvent e : matching.subList(start, end)) {
            list.add(eventJson(e));
            int n = seen.merge(e.arn, 1, Integer::sum);
            if (e.closeAfterChecks >= 0 && n >= e.closeAfterChecks) {
                e.status = "closed";
            }
        }
        if (end < matching.size()) {
            out.put("nextToken", Integer.toString(end));
        }
        return FakeResponse.json(out);
    }

    private FakeResponse details(RecordedRequest r, boolean organization) {
        requireSubscription();
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode ok = out.putArray("successfulSet");
        ArrayNode failed = out.putArray("failedSet");
        List<String> arns = new ArrayList<>();
        if (organization) {
            r.json().path("organizationEventDetailFilters").forEach(f -> arns.add(f.path("eventArn").asText()));
        } else {
            r.json().path("eventArns").forEach(a -> arns.add(a.asText()));
        }
        if (arns.isEmpty() || arns.size() > 10) {
            throw new ErrorReply(new FakeError(400, "ValidationException", "1 to 10 events per call"));
        }
        for (String arn : arns) {
            FakeEvent e = find(arn);
            if (e == null) {
                failed.addObject().put("eventArn", arn).put("errorName", "NotFound").put("errorMessage", "no event");
                continue;
            }
            ObjectNode d = ok.addObject();
            d.set("event", eventJson(e));
            d.putObject("eventDescription").put("latestDescription", e.description);
            if (organization && !e.accounts.isEmpty()) {
                d.put("awsAccountId", e.accounts.get(0));
            }
        }
        return FakeResponse.json(out);
    }

    private FakeResponse aggregates(RecordedRequest r) {
        requireSubscription();
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("entityAggregates");
        r.json().path("eventArns").forEach(a -> {
            FakeEvent e = find(a.asText());
            if (e != null) {
                list.addObject().put("eventArn", e.arn).put("count", e.entities.size());
            }
        });
        return FakeResponse.json(out);
    }

    private FakeResponse affectedAccounts(RecordedRequest r) {
        requireSubscription();
        FakeEvent e = find(r.json().path("eventArn").asText());
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("affectedAccounts");
        if (e != null) {
            e.accounts.forEach(list::add);
            out.put("eventScopeCode", e.scope);
        }
        return FakeResponse.json(out);
    }

    private FakeEvent find(String arn) {
        return events.stream().filter(e -> e.arn.equals(arn)).findFirst().orElse(null);
    }

    private static ObjectNode eventJson(FakeEvent e) {
        ObjectNode n = FakeAwsServer.JSON.createObjectNode();
        n.put("arn", e.arn).put("service", e.service).put("eventTypeCode", e.eventTypeCode)
                .put("eventTypeCategory", e.category).put("region", e.region).put("statusCode", e.status)
                .put("eventScopeCode", e.scope)
                .put("startTime", e.startTime.getEpochSecond())
                .put("lastUpdatedTime", e.startTime.plusSeconds(600).getEpochSecond());
        return n;
    }

    private static boolean in(JsonNode filter, String field, String value) {
        return anyIn(filter, field, v -> v.equals(value));
    }

    /** An absent or empty filter list matches everything; otherwise one listed value must match. */
    private static boolean anyIn(JsonNode filter, String field, Predicate<String> test) {
        JsonNode list = filter.path(field);
        if (!list.isArray() || list.isEmpty()) {
            return true;
        }
        for (JsonNode v : list) {
            if (test.test(v.asText())) {
                return true;
            }
        }
        return false;
    }
}
