package io.jenkins.plugins.awsdelivery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.ErrorReply;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeResponse;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A scripted AWS Security Hub (REST-JSON) that validates BatchImportFindings the way the service does (at most 100
 * findings, required fields, field lengths), enforces the documented request rate (10 a second, bursts of 30) on the
 * clock it is given, and fails chosen findings, transiently or for good. GetFindings filters by product field,
 * product ARN and record state, and pages.
 */
public final class FakeSecurityHub implements AutoCloseable {

    private static final List<String> REQUIRED = List.of("SchemaVersion", "Id", "ProductArn", "GeneratorId",
            "AwsAccountId", "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources");

    private final FakeAwsServer server = new FakeAwsServer(FakeAwsServer.Protocol.REST_JSON, "securityhub");
    private final Supplier<Instant> clock;
    private final Map<String, JsonNode> findings = new LinkedHashMap<>();
    private final Map<String, Integer> transientFailures = new ConcurrentHashMap<>();
    private final List<Predicate<String>> permanentFailures = new ArrayList<>();
    private double tokens = 30;
    private Instant last;
    private int throttled;
    private int pageSize = 100;
    private boolean keep = true;

    public FakeSecurityHub(Supplier<Instant> clock) {
        this.clock = clock;
        this.last = clock.get();
        server.route("POST", "/findings/import", "BatchImportFindings");
        server.route("POST", "/findings", "GetFindings");
        server.on("BatchImportFindings", this::batchImport);
        server.on("GetFindings", this::getFindings);
    }

    public FakeAwsServer server() {
        return server;
    }

    /** Findings whose ID matches fail {@code times} times with a transient error, then get in. */
    public FakeSecurityHub failTransiently(String id, int times) {
        transientFailures.put(id, times);
        return this;
    }

    /** Findings whose ID matches are always refused with InvalidInput. */
    public FakeSecurityHub refuse(Predicate<String> ids) {
        permanentFailures.add(ids);
        return this;
    }

    /**
     * Counts imported findings without keeping them, for benchmarks that run this fake in the JVM they measure.
     */
    public FakeSecurityHub discardFindings() {
        this.keep = false;
        return this;
    }

    public FakeSecurityHub pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    public synchronized JsonNode finding(String id) {
        return findings.get(id);
    }

    public synchronized List<JsonNode> findings() {
        return List.copyOf(findings.values());
    }

    /** Requests refused because they came faster than the rate limit. */
    public synchronized int throttled() {
        return throttled;
    }

    @Override
    public void close() {
        server.close();
    }

    private synchronized void rateLimit() {
        Instant now = clock.get();
        tokens = Math.min(30, tokens + Duration.between(last, now).toNanos() / 1e9 * 10);
        last = now;
        if (tokens < 1) {
            throttled++;
            throw new ErrorReply(new FakeError(429, "TooManyRequestsException", "Rate exceeded"));
        }
        tokens -= 1;
    }

    private synchronized FakeResponse batchImport(RecordedRequest r) {
        rateLimit();
        JsonNode list = r.json().path("Findings");
        if (!list.isArray() || list.isEmpty() || list.size() > 100) {
            throw new ErrorReply(new FakeError(400, "InvalidInputException",
                    "Findings must contain between 1 and 100 items, had " + list.size()));
        }
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode failed = out.putArray("FailedFindings");
        int ok = 0;
        for (JsonNode f : list) {
            String id = f.path("Id").asText();
            String invalid = validate(f);
            if (invalid != null) {
                failed.addObject().put("Id", id).put("ErrorCode", "InvalidInput").put("ErrorMessage", invalid);
                continue;
            }
            Integer left = transientFailures.get(id);
            if (left != null && left > 0) {
                transientFailures.put(id, left - 1);
                failed.addObject().put("Id", id).put("ErrorCode", "InternalFailure")
                        .put("ErrorMessage", "Internal service failure, retry");
                continue;
            }
            if (permanentFailures.stream().anyMatch(p -> p.test(id))) {
                failed.addObject().put("Id", id).put("ErrorCode", "InvalidInput")
                        .put("ErrorMessage", "Finding refused by the test");
                continue;
            }
            if (keep) {
                findings.put(id, f);
            }
            ok++;
        }
        out.put("FailedCount", failed.size()).put("SuccessCount", ok);
        return FakeResponse.json(out);
    }

    private static String validate(JsonNode f) {
        for (String field : REQUIRED) {
            if (!f.hasNonNull(field)) {
                return "Finding is missing required field " + field;
            }
        }
        if (f.path("Title").asText().length() > 256) {
            return "Title must be at most 256 characters";
        }
        if (f.path("Description").asText().length() > 1024) {
            return "Description must be at most 1024 characters";
        }
        if (f.path("Id").asText().length() > 512) {
            return "Id must be at most 512 characters";
        }
        if (!f.path("Resources").isArray() || f.path("Resources").isEmpty()) {
            return "Finding must contain at least one resource";
        }
        if (f.path("ProductFields").size() > 50) {
            return "ProductFields must have at most 50 entries";
        }
        if (f.toString().length() > 240 * 1024) {
            return "Finding exceeds 240 KB";
        }
        return null;
    }

    private synchronized FakeResponse getFindings(RecordedRequest r) {
        JsonNode filters = r.json().path("Filters");
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode f : findings.values()) {
            if (matches(filters.path("ProductFields"), fl -> f.path("ProductFields").path(fl.path("Key").asText())
                    .asText().equals(fl.path("Value").asText()))
                    && matches(filters.path("ProductArn"), fl -> f.path("ProductArn").asText()
                    .equals(fl.path("Value").asText()))
                    && matches(filters.path("RecordState"), fl -> f.path("RecordState").asText("ACTIVE")
                    .equals(fl.path("Value").asText()))) {
                matching.add(f);
            }
        }
        int start = r.json().hasNonNull("NextToken") ? Integer.parseInt(r.json().get("NextToken").asText()) : 0;
        int max = Math.min(pageSize, r.json().path("MaxResults").asInt(100));
        int end = Math.min(matching.size(), start + max);
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("Findings");
        matching.subList(start, end).forEach(list::add);
        if (end < matching.size()) {
            out.put("NextToken", Integer.toString(end));
        }
        return FakeResponse.json(out);
    }

    private static boolean matches(JsonNode filterList, Predicate<JsonNode> test) {
        if (!filterList.isArray() || filterList.isEmpty()) {
            return true;
        }
        for (JsonNode f : filterList) {
            if (test.test(f)) {
                return true;
            }
        }
        return false;
    }
}
