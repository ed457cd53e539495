package io.jenkins.plugins.awsdelivery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.ErrorReply;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeResponse;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.RecordedRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted AWS Resilience Hub (REST-JSON, API version 2020-04-30) with the shapes of the service model: apps
 * with a resiliency policy, imports into the draft version that go Pending → InProgress → Success or Failed,
 * published versions, assessments that go Pending → InProgress → Success (PolicyMet, PolicyBreached,
 * MissingPolicy) or Failed, the per-app monthly assessment quota, idempotent StartAppAssessment by clientToken, and
 * recommendation lists. Errors use the model's HTTP codes (ThrottlingException 429, AccessDeniedException 403,
 * ResourceNotFoundException 404, ServiceQuotaExceededException 402); scripted ones go through {@link #server()}.
 */
public final class FakeResilienceHub implements AutoCloseable {

    public static final String ACCOUNT = "123456789012";

    /** How the next assessment of an app goes. */
    public static final class AssessmentScript {
        int pendingPolls = 1;
        int inProgressPolls = 2;
        String finalStatus = "Success";
        String compliance = "PolicyMet";
        String message = null;
        final Map<String, int[]> current = new LinkedHashMap<>();
        final Map<String, String> perType = new LinkedHashMap<>();
        java.time.Duration pendingFor;
        java.time.Duration inProgressFor;

        /** By the clock instead of by calls: Pending for {@code pending}, then InProgress for {@code inProgress}. */
        public AssessmentScript takes(java.time.Duration pending, java.time.Duration inProgress) {
            this.pendingFor = pending;
            this.inProgressFor = inProgress;
            return this;
        }

        /** Describe calls that answer Pending, then InProgress, before the end. */
        public AssessmentScript polls(int pending, int inProgress) {
            this.pendingPolls = pending;
            this.inProgressPolls = inProgress;
            return this;
        }

        public AssessmentScript failed(String why) {
            this.finalStatus = "Failed";
            this.compliance = null;
            this.message = why;
            return this;
        }

        public AssessmentScript compliance(String status) {
            this.compliance = status;
            return this;
        }

        /** The application's estimated recovery for one disruption type, and its compliance. */
        public AssessmentScript disruption(String type, String status, int rtoSecs, int rpoSecs) {
            current.put(type, new int[] {rtoSecs, rpoSecs});
            perType.put(type, status);
            return this;
        }
    }

    /** An application as the fake holds it. */
    public final class FakeApp {
        final String arn;
        final String name;
        String policyArn;
        final Map<String, int[]> policy = new LinkedHashMap<>();
        final List<ObjectNode> versions = new CopyOnWriteArrayList<>();
        final TreeSet<String> draftSources = new TreeSet<>();
        int draftRevision;
        String releaseTemplate;
        String importStatus;
        int importPolls;
        int importPollsLeft;
        String importFailure;
        Instant importChange;
        java.time.Duration importDuration;
        final List<FakeAssessment> assessments = new CopyOnWriteArrayList<>();
        AssessmentScript next = new AssessmentScript();
        int componentRecommendations = 3;
        int alarmRecommendations = 5;

        FakeApp(String arn, String name) {
            this.arn = arn;
            this.name = name;
        }

        /** A resiliency policy with the same RTO/RPO targets for every disruption type. */
        public FakeApp policy(int rtoSecs, int rpoSecs) {
            policyArn = "arn:aws:resiliencehub:" + region + ":" + ACCOUNT + ":resiliency-policy/p-" + name;
            for (String t : List.of("Software", "Hardware", "AZ", "Region")) {
                policy.put(t, new int[] {rtoSecs, rpoSecs});
            }
            return this;
        }

        public FakeApp noPolicy() {
            policyArn = null;
            policy.clear();
            return this;
        }

        /** Imports answer Pending, InProgress for this many status calls before Success. */
        public FakeApp importTakes(int polls) {
            this.importPolls = polls;
            return this;
        }

        /** By the clock instead of by calls: imports are Pending, then InProgress, for {@code d} in all. */
        public FakeApp importTakes(java.time.Duration d) {
            this.importDuration = d;
            return this;
        }

        /** The next import ends Failed with this message. */
        public FakeApp importFails(String message) {
            this.importFailure = message;
            return this;
        }

        /** The imported stacks changed (a deployment): the next import produces a draft unlike the release. */
        public FakeApp resourcesChanged() {
            draftRevision++;
            return this;
        }

        /** A version published earlier, at {@code when}. */
        public FakeApp published(Instant when) {
            releaseTemplate = template();
            addVersion(when);
            return this;
        }

        public String arn() {
            return arn;
        }

        public AssessmentScript nextAssessment() {
            return next;
        }

        /** An assessment that happened before the test. */
        public FakeApp pastAssessment(String name, String status, String compliance, Instant start) {
            FakeAssessment a = new FakeAssessment(this, name, "past-" + name, new AssessmentScript().compliance(
                    compliance).polls(0, 0), start);
            a.status = status;
            assessments.add(a);
            return this;
        }

        public FakeApp recommendations(int components, int alarms) {
            this.componentRecommendations = components;
            this.alarmRecommendations = alarms;
            return this;
        }

        /** Every running assessment of the app ends at its next look, as scripted. */
        public FakeApp endAssessments() {
            assessments.forEach(a -> a.ended = true);
            return this;
        }

        /** When the named assessment started. */
        public Instant startOf(String assessmentName) {
            return assessments.stream().filter(a -> a.name.equals(assessmentName)).findFirst().orElseThrow().start;
        }

        public List<String> assessmentNames() {
            return assessments.stream().map(a -> a.name).toList();
        }

        public int versionCount() {
            return (int) versions.stream().filter(v -> !"draft".equals(v.path("appVersion").asText())).count();
        }

        String template() {
            ObjectNode t = FakeAwsServer.JSON.createObjectNode();
            ArrayNode sources = t.putArray("resources");
            draftSources.forEach(sources::add);
            t.put("revision", draftRevision);
            return t.toString();
        }

        void addVersion(Instant when) {
            long id = versionCount() + 1;
            versions.add(FakeAwsServer.JSON.createObjectNode().put("appVersion", "release").put("identifier", id)
                    .put("creationTime", seconds(when)));
        }
    }

    final class FakeAssessment {
        final FakeApp app;
        final String name;
        final String arn;
        final String clientToken;
        final AssessmentScript script;
        final Instant start;
        final String appVersion;
        String status = "Pending";
        int describes;
        volatile boolean ended;

        FakeAssessment(FakeApp app, String name, String clientToken, AssessmentScript script, Instant start) {
            this.app = app;
            this.name = name;
            this.clientToken = clientToken;
            this.script = script;
            this.start = start;
            this.appVersion = "release";
            this.arn = "arn:aws:resiliencehub:" + region + ":" + ACCOUNT + ":app-assessment/" + java.util.UUID
                    .nameUUIDFromBytes((app.arn + name + start).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        void advance() {
            describes++;
            if (ended) {
                status = script.finalStatus;
                return;
            }
            if (script.pendingFor != null) {
                java.time.Duration elapsed = java.time.Duration.between(start, clock.instant());
                status = elapsed.compareTo(script.pendingFor) < 0 ? "Pending"
                        : elapsed.compareTo(script.pendingFor.plus(script.inProgressFor)) < 0 ? "InProgress"
                        : script.finalStatus;
                return;
            }
            if (describes > script.pendingPolls + script.inProgressPolls) {
                status = script.finalStatus;
            } else if (describes > script.pendingPolls) {
                status = "InProgress";
            }
        }
    }

    private final FakeAwsServer server;
    private final Clock clock;
    private final String region;
    private final Map<String, FakeApp> apps = new ConcurrentHashMap<>();
    private volatile int quota = 20;
    private volatile int pageSize = 100;
    private volatile boolean malformedAssessment;

    public FakeResilienceHub(Clock clock, String region) {
        this.clock = clock;
        this.region = region;
        server = new FakeAwsServer(FakeAwsServer.Protocol.REST_JSON, "resiliencehub");
        server.expectRegion(region);
        route("POST", "/describe-app", "DescribeApp", this::describeApp);
        route("GET", "/list-app-assessments", "ListAppAssessments", this::listAssessments);
        route("POST", "/import-resources-to-draft-app-version", "ImportResourcesToDraftAppVersion", this::importRes);
        route("POST", "/describe-draft-app-version-resources-import-status",
                "DescribeDraftAppVersionResourcesImportStatus", this::importStatus);
        route("POST", "/describe-app-version-template", "DescribeAppVersionTemplate", this::template);
        route("POST", "/publish-app-version", "PublishAppVersion", this::publish);
        route("POST", "/list-app-versions", "ListAppVersions", this::listVersions);
        route("POST", "/start-app-assessment", "StartAppAssessment", this::start);
        route("POST", "/describe-app-assessment", "DescribeAppAssessment", this::describeAssessment);
        route("POST", "/list-app-component-recommendations", "ListAppComponentRecommendations",
                r -> recommendations(r, "componentRecommendations"));
        route("POST", "/list-alarm-recommendations", "ListAlarmRecommendations",
                r -> recommendations(r, "alarmRecommendations"));
    }

    public FakeAwsServer server() {
        return server;
    }

    public FakeApp app(String name) {
        String arn = "arn:aws:resiliencehub:" + region + ":" + ACCOUNT + ":app/"
                + java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        FakeApp app = new FakeApp(arn, name);
        app.versions.add(FakeAwsServer.JSON.createObjectNode().put("appVersion", "draft").put("identifier", 0)
                .put("creationTime", seconds(clock.instant())));
        apps.put(arn, app);
        return app;
    }

    /** Assessments allowed per app and calendar month. */
    public FakeResilienceHub quota(int perMonth) {
        this.quota = perMonth;
        return this;
    }

    /** Pages of at most this many list entries, to exercise nextToken. */
    public FakeResilienceHub pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** DescribeAppAssessment answers a body that is not JSON. */
    public FakeResilienceHub malformedAssessment(boolean malformed) {
        this.malformedAssessment = malformed;
        return this;
    }

    /** AccessDeniedException as Resilience Hub words it (HTTP 403). */
    public static FakeError accessDenied(String action) {
        return new FakeError(403, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/ci is not "
                + "authorized to perform: " + action + " on resource: *");
    }

    /** ThrottlingException (HTTP 429). */
    public static FakeError throttling() {
        return new FakeError(429, "ThrottlingException", "Rate exceeded");
    }

    @Override
    public void close() {
        server.close();
    }

    private void route(String method, String path, String operation,
                       java.util.function.Function<RecordedRequest, FakeResponse> handler) {
        server.route(method, path, operation);
        server.on(operation, handler);
    }

    private FakeApp appOf(String arn) {
        FakeApp app = arn == null ? null : apps.get(arn);
        if (app == null) {
            throw new ErrorReply(new FakeError(404, "ResourceNotFoundException", "App not found for appArn " + arn));
        }
        return app;
    }

    private static String required(RecordedRequest r, String field) {
        JsonNode v = r.json().get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new ErrorReply(new FakeError(400, "ValidationException", field + " is required"));
        }
        return v.asText();
    }

    private FakeResponse describeApp(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ObjectNode a = out.putObject("app");
        a.put("appArn", app.arn).put("name", app.name).put("creationTime", seconds(clock.instant()))
                .put("status", "Active").put("complianceStatus", app.assessments.isEmpty() ? "NotAssessed"
                        : "PolicyMet").put("assessmentSchedule", "Disabled");
        if (app.policyArn != null) {
            a.put("policyArn", app.policyArn);
        }
        return FakeResponse.json(out);
    }

    private FakeResponse listAssessments(RecordedRequest r) {
        String appArn = r.queryParam("appArn");
        String name = r.queryParam("assessmentName");
        boolean reverse = "true".equals(r.queryParam("reverseOrder"));
        int max = r.queryParam("maxResults") == null ? 100 : Integer.parseInt(r.queryParam("maxResults"));
        if (max < 1 || max > 100) {
            throw new ErrorReply(new FakeError(400, "ValidationException", "maxResults must be 1 to 100"));
        }
        List<FakeAssessment> all = new ArrayList<>();
        for (FakeApp app : apps.values()) {
            if (appArn == null || app.arn.equals(appArn)) {
                app.assessments.stream().filter(a -> name == null || a.name.equals(name)).forEach(all::add);
            }
        }
        all.sort((x, y) -> reverse ? y.start.compareTo(x.start) : x.start.compareTo(y.start));
        int from = r.queryParam("nextToken") == null ? 0 : Integer.parseInt(r.queryParam("nextToken"));
        int to = Math.min(all.size(), from + Math.min(max, pageSize));
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("assessmentSummaries");
        for (FakeAssessment a : all.subList(from, to)) {
            ObjectNode s = list.addObject().put("assessmentArn", a.arn).put("assessmentName", a.name)
                    .put("appArn", a.app.arn).put("appVersion", a.appVersion).put("assessmentStatus", a.status)
                    .put("invoker", "User").put("startTime", seconds(a.start));
            if ("Success".equals(a.status) && a.script.compliance != null) {
                s.put("complianceStatus", a.script.compliance);
            }
        }
        if (to < all.size()) {
            out.put("nextToken", Integer.toString(to));
        }
        return FakeResponse.json(out);
    }

    private FakeResponse importRes(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        JsonNode body = r.json();
        if ("ReplaceAll".equals(body.path("importStrategy").asText())) {
            app.draftSources.clear();
        }
        body.path("sourceArns").forEach(s -> app.draftSources.add(s.asText()));
        body.path("terraformSources").forEach(s -> app.draftSources.add(s.path("s3StateFileUrl").asText()));
        body.path("eksSources").forEach(s -> app.draftSources.add(s.path("eksClusterArn").asText() + "="
                + s.path("namespaces").toString()));
        if (app.draftSources.isEmpty()) {
            throw new ErrorReply(new FakeError(400, "ValidationException", "At least one source is required"));
        }
        app.importStatus = "Pending";
        app.importPollsLeft = app.importPolls;
        app.importChange = clock.instant();
        ObjectNode out = FakeAwsServer.JSON.createObjectNode().put("appArn", app.arn).put("appVersion", "draft")
                .put("status", app.importStatus);
        out.set("sourceArns", body.path("sourceArns"));
        return FakeResponse.json(out);
    }

    private FakeResponse importStatus(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        if (app.importStatus == null) {
            throw new ErrorReply(new FakeError(404, "ResourceNotFoundException",
                    "ResourceImportStatusNotFoundAppMetadataException"));
        }
        if (app.importDuration != null) {
            java.time.Duration elapsed = java.time.Duration.between(app.importChange, clock.instant());
            app.importStatus = elapsed.compareTo(app.importDuration.dividedBy(2)) < 0 ? "Pending"
                    : elapsed.compareTo(app.importDuration) < 0 ? "InProgress"
                    : app.importFailure != null ? "Failed" : "Success";
        } else if (app.importPollsLeft > 0) {
            app.importPollsLeft--;
            app.importStatus = app.importPollsLeft > app.importPolls / 2 ? "Pending" : "InProgress";
        } else if (app.importFailure != null) {
            app.importStatus = "Failed";
        } else {
            app.importStatus = "Success";
        }
        ObjectNode out = FakeAwsServer.JSON.createObjectNode().put("appArn", app.arn).put("appVersion", "draft")
                .put("status", app.importStatus).put("statusChangeTime", seconds(app.importChange));
        if ("Failed".equals(app.importStatus)) {
            out.put("errorMessage", app.importFailure);
            out.putArray("errorDetails").addObject().put("errorMessage", "Stack does not exist or access denied");
        }
        return FakeResponse.json(out);
    }

    private FakeResponse template(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        String version = required(r, "appVersion");
        String body = "draft".equals(version) ? app.template() : app.releaseTemplate;
        if (body == null) {
            throw new ErrorReply(new FakeError(404, "ResourceNotFoundException", "App Version not found"));
        }
        return FakeResponse.json(FakeAwsServer.JSON.createObjectNode().put("appArn", app.arn)
                .put("appVersion", version).put("appTemplateBody", body));
    }

    private FakeResponse publish(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        app.published(clock.instant());
        ObjectNode v = app.versions.get(app.versions.size() - 1);
        return FakeResponse.json(FakeAwsServer.JSON.createObjectNode().put("appArn", app.arn)
                .put("appVersion", "release").put("identifier", v.path("identifier").asLong()));
    }

    private FakeResponse listVersions(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        JsonNode start = r.json().get("startTime");
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray("appVersions");
        for (ObjectNode v : app.versions) {
            if (start == null || v.path("creationTime").asDouble() >= start.asDouble()) {
                list.add(v);
            }
        }
        return FakeResponse.json(out);
    }

    private FakeResponse start(RecordedRequest r) {
        FakeApp app = appOf(required(r, "appArn"));
        String name = required(r, "assessmentName");
        String version = required(r, "appVersion");
        if (!"release".equals(version)) {
            throw new ErrorReply(new FakeError(400, "ValidationException", "appVersion must be release"));
        }
        String token = r.json().path("clientToken").asText(null);
        for (FakeAssessment a : app.assessments) {
            if (token != null && token.equals(a.clientToken)) {
                return FakeResponse.json(wrap(a));
            }
        }
        if (app.releaseTemplate == null) {
            throw new ErrorReply(new FakeError(404, "ResourceNotFoundException", "App Version not found"));
        }
        Instant monthStart = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).withDayOfMonth(1)
                .toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        long thisMonth = app.assessments.stream().filter(a -> !a.start.isBefore(monthStart)).count();
        if (thisMonth >= quota) {
            throw new ErrorReply(new FakeError(402, "ServiceQuotaExceededException",
                    "You have exceeded the maximum number of assessments per month for this application"));
        }
        FakeAssessment a = new FakeAssessment(app, name, token, app.next, clock.instant());
        app.next = new AssessmentScript();
        app.assessments.add(a);
        return FakeResponse.json(wrap(a));
    }

    private FakeResponse describeAssessment(RecordedRequest r) {
        String arn = required(r, "assessmentArn");
        if (malformedAssessment) {
            return FakeResponse.raw(200, "application/json", "{\"assessment\": {\"assessmentArn\": ");
        }
        for (FakeApp app : apps.values()) {
            for (FakeAssessment a : app.assessments) {
                if (a.arn.equals(arn)) {
                    a.advance();
                    return FakeResponse.json(wrap(a));
                }
            }
        }
        throw new ErrorReply(new FakeError(404, "ResourceNotFoundException", "Assessment " + arn + " not found"));
    }

    private ObjectNode wrap(FakeAssessment a) {
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ObjectNode j = out.putObject("assessment");
        j.put("assessmentArn", a.arn).put("assessmentName", a.name).put("appArn", a.app.arn)
                .put("appVersion", a.appVersion).put("assessmentStatus", a.status).put("invoker", "User")
                .put("startTime", seconds(a.start));
        if ("Failed".equals(a.status)) {
            j.put("message", a.script.message);
        }
        if ("Success".equals(a.status)) {
            j.put("endTime", seconds(clock.instant()));
            if (a.script.compliance != null) {
                j.put("complianceStatus", a.script.compliance);
            }
            ObjectNode compliance = j.putObject("compliance");
            a.script.current.forEach((type, v) -> compliance.putObject(type)
                    .put("complianceStatus", a.script.perType.get(type))
                    .put("currentRtoInSecs", v[0]).put("currentRpoInSecs", v[1])
                    .put("achievableRtoInSecs", Math.min(v[0], 300)).put("achievableRpoInSecs", Math.min(v[1], 60)));
            if (!a.app.policy.isEmpty()) {
                ObjectNode policy = j.putObject("policy").put("policyArn", a.app.policyArn)
                        .put("policyName", "p-" + a.app.name).put("tier", "Critical");
                ObjectNode targets = policy.putObject("policy");
                a.app.policy.forEach((type, v) -> targets.putObject(type).put("rtoInSecs", v[0])
                        .put("rpoInSecs", v[1]));
            }
            ObjectNode score = j.putObject("resiliencyScore").put("score", 71.25);
            score.putObject("disruptionScore").put("AZ", 80.0);
            ObjectNode summary = j.putObject("summary").put("summary", "The application has risks.");
            summary.putArray("riskRecommendations").addObject().put("risk", "Single AZ database")
                    .put("recommendation", "Enable Multi-AZ");
        }
        return out;
    }

    private FakeResponse recommendations(RecordedRequest r, String field) {
        String arn = required(r, "assessmentArn");
        FakeAssessment found = null;
        for (FakeApp app : apps.values()) {
            for (FakeAssessment a : app.assessments) {
                if (a.arn.equals(arn)) {
                    found = a;
                }
            }
        }
        if (found == null) {
            throw new ErrorReply(new FakeError(404, "ResourceNotFoundException", "Assessment " + arn + " not found"));
        }
        int total = field.equals("componentRecommendations") ? found.app.componentRecommendations
                : found.app.alarmRecommendations;
        int from = r.json().hasNonNull("nextToken") ? Integer.parseInt(r.json().get("nextToken").asText()) : 0;
        int to = Math.min(total, from + pageSize);
        ObjectNode out = FakeAwsServer.JSON.createObjectNode();
        ArrayNode list = out.putArray(field);
        for (int i = from; i < to; i++) {
            if (field.equals("componentRecommendations")) {
                list.addObject().put("appComponentName", "component-" + i).put("recommendationStatus",
                        "BreachedCanMeet").putArray("configRecommendations");
            } else {
                list.addObject().put("name", "alarm-" + i).put("recommendationId",
                        java.util.UUID.nameUUIDFromBytes(("alarm" + i).getBytes()).toString())
                        .put("referenceId", "ref-" + i).put("type", "Metric");
            }
        }
        if (to < total) {
            out.put("nextToken", Integer.toString(to));
        }
        return FakeResponse.json(out);
    }

    static double seconds(Instant i) {
        Objects.requireNonNull(i);
        return i.getEpochSecond() + i.getNano() / 1e9;
    }
}
