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
import java.util.function.Supplier;

/**
 * A scripted Amazon ECS (JSON 1.1, {@code AmazonEC2ContainerServiceV20141113}) that keeps clusters, services, task
 * definitions, deployments, service deployments and tasks, and plays the rollout of the next deployment over the
 * time of a shared clock: success, circuit-breaker rollback, alarm rollback, or a rollout that never finishes.
 */
public final class FakeEcs implements AutoCloseable {

    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "eu-west-1";
    /** How long a rollback deployment takes to reach a steady state. */
    public static final Duration ROLLBACK_TIME = Duration.ofMinutes(1);

    /** How the next deployment rolls out. */
    public enum Rollout { SUCCESS, CIRCUIT_BREAKER, ALARM, NEVER_FINISHES }

    private final FakeAwsServer server = new FakeAwsServer(FakeAwsServer.Protocol.JSON_1_1, "ecs");
    private final Supplier<Instant> clock;
    private final Map<String, String> clusters = new LinkedHashMap<>();
    private final Map<String, FakeService> services = new LinkedHashMap<>();
    private final Map<String, ObjectNode> taskDefinitions = new LinkedHashMap<>();
    private final List<ObjectNode> tasks = new ArrayList<>();
    private final Map<String, ObjectNode> serviceDeployments = new LinkedHashMap<>();
    private Rollout nextRollout = Rollout.SUCCESS;
    private Duration rolloutTime = Duration.ofMinutes(5);
    private boolean serviceDeploymentApis = true;
    private boolean imageDigests = true;
    private int ids;

    private static final class FakeService {
        String name;
        String cluster;
        String status = "ACTIVE";
        String controller = "ECS";
        String taskDefinition;
        int desiredCount;
        final List<ObjectNode> deployments = new ArrayList<>();
        final List<ObjectNode> events = new ArrayList<>();
        Rollout rollout;
        Instant rolloutStart;
        String previousTaskDefinition;
        String rolloutArn;
        boolean finished;
        Instant rolledBackAt;
        Instant rollbackDone;
        List<String> alarms = List.of();

        String arn() {
            return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service/" + cluster + "/" + name;
        }
    }

    public FakeEcs(Supplier<Instant> clock) {
        this.clock = clock;
        server.on("DescribeClusters", this::describeClusters);
        server.on("DescribeServices", this::describeServices);
        server.on("DescribeTaskDefinition", this::describeTaskDefinition);
        server.on("RegisterTaskDefinition", this::registerTaskDefinition);
        server.on("UpdateService", this::updateService);
        server.on("ListServiceDeployments", this::listServiceDeployments);
        server.on("DescribeServiceDeployments", this::describeServiceDeployments);
        server.on("StopServiceDeployment", this::stopServiceDeployment);
        server.on("ListTasks", this::listTasks);
        server.on("DescribeTasks", this::describeTasks);
    }

    public FakeAwsServer server() {
        return server;
    }

    /** A cluster "prod" with a service "web" of {@code count} tasks running {@code web:1} (one container, web). */
    public FakeEcs withService(String cluster, String service, int count) {
        clusters.put(cluster, "ACTIVE");
        String td = registerDefinition("web", List.of(container("web",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0")));
        FakeService s = new FakeService();
        s.name = service;
        s.cluster = cluster;
        s.taskDefinition = td;
        s.desiredCount = count;
        s.deployments.add(deployment(nextDeploymentId(), td, count, count, "COMPLETED", "PRIMARY"));
        services.put(service, s);
        return this;
    }

    public FakeEcs rollout(Rollout rollout, Duration time) {
        this.nextRollout = rollout;
        this.rolloutTime = time;
        return this;
    }

    /** Changes how the rollout in progress ends, e.g. to let a never-finishing one complete now. */
    public synchronized FakeEcs switchRollout(String service, Rollout rollout, Duration totalTime) {
        services.get(service).rollout = rollout;
        this.rolloutTime = totalTime;
        return this;
    }

    public FakeEcs serviceStatus(String service, String status) {
        services.get(service).status = status;
        return this;
    }

    public FakeEcs controller(String service, String type) {
        services.get(service).controller = type;
        return this;
    }

    public FakeEcs clusterStatus(String cluster, String status) {
        clusters.put(cluster, status);
        return this;
    }

    /** Answers ListServiceDeployments and friends with an error, as in regions or policies without them. */
    public FakeEcs withoutServiceDeploymentApis() {
        this.serviceDeploymentApis = false;
        return this;
    }

    /** The service's deployment configuration names these CloudWatch alarms (enabled, with rollback). */
    public FakeEcs withAlarms(String service, String... alarmNames) {
        services.get(service).alarms = List.of(alarmNames);
        return this;
    }

    /** Tasks report no image digest, as on container instances with an old agent. */
    public FakeEcs withoutImageDigests() {
        this.imageDigests = false;
        return this;
    }

    /** The instant the current rollout reaches its final state. */
    public Instant finalStateAt(String service) {
        FakeService s = services.get(service);
        return s.rolloutStart.plus(rolloutTime);
    }

    public ObjectNode taskDefinition(String arn) {
        return taskDefinitions.get(arn);
    }

    public String currentTaskDefinition(String service) {
        return services.get(service).taskDefinition;
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- world ----

    private synchronized void advance() {
        Instant now = clock.get();
        for (FakeService s : services.values()) {
            if (s.rollbackDone == null && s.rolledBackAt != null
                    && !now.isBefore(s.rolledBackAt.plus(ROLLBACK_TIME))) {
                ObjectNode back = s.deployments.get(0);
                back.put("rolloutState", "COMPLETED").put("runningCount", s.desiredCount).put("pendingCount", 0);
                s.deployments.removeIf(d -> d != back);
                event(s, "(service " + s.name + ") has reached a steady state.", s.rolledBackAt.plus(ROLLBACK_TIME));
                s.rollbackDone = now;
            }
            if (s.rollout == null || s.finished) {
                continue;
            }
            ObjectNode ours = s.deployments.get(0);
            Duration elapsed = Duration.between(s.rolloutStart, now);
            boolean due = elapsed.compareTo(rolloutTime) >= 0;
            int n = s.desiredCount;
            switch (s.rollout) {
                case SUCCESS -> {
                    int running = due ? n : (int) Math.min(n, n * elapsed.toMillis() / Math.max(1, rolloutTime.toMillis()));
                    ours.put("runningCount", running).put("pendingCount", n - running);
                    if (due) {
                        ours.put("rolloutState", "COMPLETED").put("rolloutStateReason",
                                "ECS deployment " + ours.get("id").asText() + " completed.");
                        s.deployments.removeIf(d -> d != ours);
                        for (int i = 0; i < n; i++) {
                            task(s, ours.get("id").asText(), s.taskDefinition, "RUNNING", null, null);
                        }
                        event(s, "(service " + s.name + ") has reached a steady state.", s.rolloutStart.plus(rolloutTime));
                        serviceDeployment(s).put("status", "SUCCESSFUL");
                        s.finished = true;
                    }
                }
                case CIRCUIT_BREAKER -> {
                    long failed = Math.min(3, elapsed.toSeconds() / 30);
                    while (ours.get("failedTasks").asInt() < failed) {
                        ours.put("failedTasks", ours.get("failedTasks").asInt() + 1);
                        task(s, ours.get("id").asText(), s.taskDefinition, "STOPPED",
                                "Essential container in task exited", 1);
                        event(s, "(service " + s.name + ") has started 1 tasks: (task failed-"
                                + ours.get("failedTasks").asInt() + ").", now);
                    }
                    if (due) {
                        rollBack(s, ours, "ECS deployment circuit breaker: tasks failed to start.",
                                "Service deployment rolled back because the circuit breaker threshold was exceeded.",
                                List.of());
                    }
                }
                case ALARM -> {
                    ours.put("runningCount", n).put("pendingCount", 0);
                    if (due) {
                        rollBack(s, ours, "ECS deployment " + ours.get("id").asText() + " rolled back: CloudWatch "
                                + "alarm(s) in ALARM state: web-5xx.",
                                "Service deployment rolled back because of CloudWatch alarm(s): web-5xx.",
                                List.of("web-5xx"));
                    }
                }
                case NEVER_FINISHES -> ours.put("runningCount", Math.max(0, n - 1)).put("pendingCount", 1);
            }
        }
    }

    private void rollBack(FakeService s, ObjectNode ours, String reason, String rollbackReason, List<String> alarms) {
        ours.put("rolloutState", "FAILED").put("rolloutStateReason", reason).put("status", "ACTIVE");
        ObjectNode back = deployment(nextDeploymentId(), s.previousTaskDefinition, s.desiredCount, 0, "IN_PROGRESS",
                "PRIMARY");
        s.deployments.add(0, back);
        s.taskDefinition = s.previousTaskDefinition;
        event(s, "(service " + s.name + ") deployment " + ours.get("id").asText() + " deployment failed: "
                + reason, s.rolloutStart.plus(rolloutTime));
        event(s, "(service " + s.name + ") rolling back to deployment " + back.get("id").asText() + ".",
                s.rolloutStart.plus(rolloutTime));
        ObjectNode sd = serviceDeployment(s);
        sd.put("status", "ROLLBACK_SUCCESSFUL").put("statusReason", "rolled back");
        sd.putObject("rollback").put("reason", rollbackReason)
                .put("startedAt", s.rolloutStart.plus(rolloutTime).getEpochSecond());
        if (!alarms.isEmpty()) {
            ObjectNode a = sd.putObject("alarms").put("status", "TRIGGERED");
            alarms.forEach(a.putArray("triggeredAlarmNames")::add);
        }
        s.finished = true;
        s.rolledBackAt = s.rolloutStart.plus(rolloutTime);
    }

    private ObjectNode serviceDeployment(FakeService s) {
        return serviceDeployments.get(s.rolloutArn);
    }

    // ---- operations ----

    private FakeResponse describeClusters(RecordedRequest r) {
        ObjectNode out = json();
        ArrayNode list = out.putArray("clusters");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode c : r.json().path("clusters")) {
            String name = name(c.asText());
            if (clusters.containsKey(name)) {
                list.addObject().put("clusterName", name).put("status", clusters.get(name))
                        .put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + name);
            } else {
                failures.addObject().put("arn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + name)
                        .put("reason", "MISSING");
            }
        }
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse describeServices(RecordedRequest r) {
        advance();
        String cluster = name(r.json().path("cluster").asText("default"));
        if (!clusters.containsKey(cluster)) {
            throw new ErrorReply(new FakeError(400, "ClusterNotFoundException", "Cluster not found."));
        }
        ObjectNode out = json();
        ArrayNode list = out.putArray("services");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode n : r.json().path("services")) {
            FakeService s = services.get(name(n.asText()));
            if (s == null || !s.cluster.equals(cluster)) {
                failures.addObject().put("arn", n.asText()).put("reason", "MISSING");
            } else {
                list.add(serviceJson(s));
            }
        }
        return FakeResponse.json(out);
    }

    private FakeResponse describeTaskDefinition(RecordedRequest r) {
        String key = r.json().path("taskDefinition").asText();
        ObjectNode td = taskDefinitions.values().stream().filter(t -> t.get("taskDefinitionArn").asText().equals(key)
                || (t.get("family").asText() + ":" + t.get("revision").asText()).equals(key)).findFirst()
                .orElseThrow(() -> new ErrorReply(new FakeError(400, "ClientException",
                        "Unable to describe task definition.")));
        ObjectNode out = json();
        out.set("taskDefinition", td);
        out.putArray("tags").addObject().put("key", "team").put("value", "shop");
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse registerTaskDefinition(RecordedRequest r) {
        JsonNode body = r.json();
        for (String readOnly : List.of("taskDefinitionArn", "revision", "status", "requiresAttributes",
                "compatibilities", "registeredAt", "registeredBy", "deregisteredAt")) {
            if (body.has(readOnly)) {
                throw new ErrorReply(new FakeError(400, "SerializationException",
                        "Unexpected field " + readOnly));
            }
        }
        List<ObjectNode> containers = new ArrayList<>();
        body.path("containerDefinitions").forEach(c -> containers.add((ObjectNode) c.deepCopy()));
        String arn = registerDefinition(body.path("family").asText(), containers);
        ObjectNode out = json();
        out.set("taskDefinition", taskDefinitions.get(arn));
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse updateService(RecordedRequest r) {
        advance();
        FakeService s = services.get(name(r.json().path("service").asText()));
        if (s == null) {
            throw new ErrorReply(new FakeError(400, "ServiceNotFoundException", "Service not found."));
        }
        s.previousTaskDefinition = s.taskDefinition;
        if (r.json().hasNonNull("taskDefinition")) {
            s.taskDefinition = taskDefinitions.values().stream().map(t -> t.get("taskDefinitionArn").asText())
                    .filter(a -> a.equals(r.json().get("taskDefinition").asText())).findFirst()
                    .orElseThrow(() -> new ErrorReply(new FakeError(400, "ClientException",
                            "TaskDefinition not found.")));
        }
        if (r.json().has("desiredCount")) {
            s.desiredCount = r.json().get("desiredCount").asInt();
        }
        s.deployments.forEach(d -> d.put("status", "ACTIVE"));
        ObjectNode ours = deployment(nextDeploymentId(), s.taskDefinition, s.desiredCount, 0, "IN_PROGRESS",
                "PRIMARY");
        s.deployments.add(0, ours);
        s.rollout = nextRollout;
        s.rolloutStart = clock.get();
        s.rolledBackAt = null;
        s.rollbackDone = null;
        s.finished = false;
        s.rolloutArn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service-deployment/" + s.cluster + "/" + s.name
                + "/" + (++ids);
        ObjectNode sd = json().put("serviceDeploymentArn", s.rolloutArn).put("serviceArn", s.arn())
                .put("status", "IN_PROGRESS").put("createdAt", s.rolloutStart.getEpochSecond());
        serviceDeployments.put(s.rolloutArn, sd);
        event(s, "(service " + s.name + ") has started " + s.desiredCount + " tasks.", s.rolloutStart);
        ObjectNode out = json();
        out.set("service", serviceJson(s));
        return FakeResponse.json(out);
    }

    private FakeResponse listServiceDeployments(RecordedRequest r) {
        requireServiceDeploymentApis();
        String service = r.json().path("service").asText();
        ObjectNode out = json();
        ArrayNode list = out.putArray("serviceDeployments");
        serviceDeployments.values().stream().filter(sd -> sd.get("serviceArn").asText().equals(service)
                || sd.get("serviceArn").asText().endsWith("/" + service)).forEach(list::add);
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse describeServiceDeployments(RecordedRequest r) {
        requireServiceDeploymentApis();
        advance();
        ObjectNode out = json();
        ArrayNode list = out.putArray("serviceDeployments");
        out.putArray("failures");
        r.json().path("serviceDeploymentArns").forEach(a -> {
            ObjectNode sd = serviceDeployments.get(a.asText());
            if (sd != null) {
                list.add(sd);
            }
        });
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse stopServiceDeployment(RecordedRequest r) {
        requireServiceDeploymentApis();
        ObjectNode sd = serviceDeployments.get(r.json().path("serviceDeploymentArn").asText());
        if (sd == null) {
            throw new ErrorReply(new FakeError(400, "ServiceDeploymentNotFoundException", "not found"));
        }
        sd.put("status", "ROLLBACK_REQUESTED").put("stopType", r.json().path("stopType").asText());
        return FakeResponse.json(json().put("serviceDeploymentArn", sd.get("serviceDeploymentArn").asText()));
    }

    private synchronized FakeResponse listTasks(RecordedRequest r) {
        advance();
        String startedBy = r.json().path("startedBy").asText(null);
        String desired = r.json().path("desiredStatus").asText("RUNNING");
        ObjectNode out = json();
        ArrayNode arns = out.putArray("taskArns");
        tasks.stream().filter(t -> startedBy == null || startedBy.equals(t.get("startedBy").asText()))
                .filter(t -> desired.equals(t.get("desiredStatus").asText()))
                .forEach(t -> arns.add(t.get("taskArn").asText()));
        return FakeResponse.json(out);
    }

    private synchronized FakeResponse describeTasks(RecordedRequest r) {
        ObjectNode out = json();
        ArrayNode list = out.putArray("tasks");
        out.putArray("failures");
        List<String> wanted = new ArrayList<>();
        r.json().path("tasks").forEach(t -> wanted.add(t.asText()));
        if (wanted.size() > 100) {
            throw new ErrorReply(new FakeError(400, "InvalidParameterException", "at most 100 tasks"));
        }
        tasks.stream().filter(t -> wanted.contains(t.get("taskArn").asText())).forEach(list::add);
        return FakeResponse.json(out);
    }

    // ---- helpers ----

    private void requireServiceDeploymentApis() {
        if (!serviceDeploymentApis) {
            throw new ErrorReply(new FakeError(400, "UnknownOperationException", "Unknown operation"));
        }
    }

    private ObjectNode serviceJson(FakeService s) {
        ObjectNode n = json().put("serviceName", s.name).put("serviceArn", s.arn())
                .put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + s.cluster)
                .put("status", s.status).put("desiredCount", s.desiredCount).put("taskDefinition", s.taskDefinition)
                .put("runningCount", s.deployments.stream().mapToInt(d -> d.get("runningCount").asInt()).sum());
        n.putObject("deploymentController").put("type", s.controller);
        if (!s.alarms.isEmpty()) {
            ObjectNode alarms = n.putObject("deploymentConfiguration").putObject("alarms").put("enable", true)
                    .put("rollback", true);
            s.alarms.forEach(alarms.putArray("alarmNames")::add);
        }
        ArrayNode deployments = n.putArray("deployments");
        s.deployments.forEach(deployments::add);
        ArrayNode events = n.putArray("events");
        for (int i = s.events.size() - 1; i >= 0 && events.size() < 100; i--) {
            events.add(s.events.get(i));
        }
        return n;
    }

    private ObjectNode deployment(String id, String td, int desired, int running, String rollout, String status) {
        Instant now = clock.get();
        return json().put("id", id).put("status", status).put("taskDefinition", td).put("desiredCount", desired)
                .put("runningCount", running).put("pendingCount", desired - running).put("failedTasks", 0)
                .put("rolloutState", rollout).put("createdAt", now.getEpochSecond())
                .put("updatedAt", now.getEpochSecond());
    }

    private String registerDefinition(String family, List<ObjectNode> containers) {
        int revision = (int) taskDefinitions.values().stream().filter(t -> t.get("family").asText().equals(family))
                .count() + 1;
        String arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + family + ":" + revision;
        ObjectNode td = json().put("taskDefinitionArn", arn).put("family", family).put("revision", revision)
                .put("status", "ACTIVE").put("networkMode", "awsvpc").put("cpu", "256").put("memory", "512");
        ArrayNode list = td.putArray("containerDefinitions");
        containers.forEach(list::add);
        td.putArray("requiresCompatibilities").add("FARGATE");
        td.putArray("compatibilities").add("EC2").add("FARGATE");
        taskDefinitions.put(arn, td);
        return arn;
    }

    private static ObjectNode container(String name, String image) {
        return json().put("name", name).put("image", image).put("essential", true);
    }

    private void task(FakeService s, String deploymentId, String td, String status, String stoppedReason,
                      Integer exitCode) {
        ObjectNode t = json().put("taskArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + s.cluster + "/"
                        + (++ids)).put("startedBy", deploymentId).put("taskDefinitionArn", td)
                .put("desiredStatus", status).put("lastStatus", status);
        if (stoppedReason != null) {
            t.put("stoppedReason", stoppedReason).put("stopCode", "EssentialContainerExited");
        }
        ArrayNode containers = t.putArray("containers");
        for (JsonNode c : taskDefinitions.get(td).get("containerDefinitions")) {
            ObjectNode cj = containers.addObject().put("name", c.get("name").asText())
                    .put("image", c.get("image").asText());
            if (imageDigests) {
                String image = c.get("image").asText();
                int at = image.indexOf("@sha256:");
                cj.put("imageDigest", at >= 0 ? image.substring(at + 1)
                        : "sha256:" + Integer.toHexString(image.hashCode()));
            }
            if (exitCode != null) {
                cj.put("exitCode", exitCode).put("reason", "CannotPullContainerError: none");
            }
        }
        tasks.add(t);
    }

    private void event(FakeService s, String message, Instant at) {
        s.events.add(json().put("id", "evt-" + (++ids)).put("createdAt", at.getEpochSecond())
                .put("message", message));
    }

    private String nextDeploymentId() {
        return "ecs-svc/" + String.format("%019d", ++ids);
    }

    private static String name(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf('/');
        return slash < 0 ? nameOrArn : nameOrArn.substring(slash + 1);
    }

    private static ObjectNode json() {
        return FakeAwsServer.JSON.createObjectNode();
    }
}
