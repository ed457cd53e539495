package io.jenkins.plugins.awsdelivery.core.ecs;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Looks at one deployment: one DescribeServices per look while it rolls out; the extra calls (service deployment,
 * stopped tasks, running tasks' digests) only once, when it ends.
 */
final class RolloutWatcher {

    /** What one look found, and the deployment with the events it showed. */
    record Look(PollOutcome<EcsDeployResult> outcome, EcsDeployment deployment) {}

    private final AwsClientFactory aws;
    private final StageLog log;
    private final boolean requireDigest;
    private final List<String> warnings = new ArrayList<>();
    private String lastProgress = "";

    RolloutWatcher(AwsClientFactory aws, StageLog log, boolean requireDigest) {
        this.aws = aws;
        this.log = log;
        this.requireDigest = requireDigest;
    }

    /** Something that could not be checked or read; it goes to the log and the result, and changes no status. */
    void warn(String warning) {
        log.warn("%s", warning);
        warnings.add(warning);
    }

    /** Warnings so far, for results built outside the watcher. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * A call that only explains a verdict already reached (why a deployment failed, which tasks stopped): when it
     * fails, the verdict stands with a warning.
     */
    private <T> T enrichment(String what, java.util.function.Supplier<T> call, T fallback) {
        try {
            return call.get();
        } catch (StageException e) {
            warn("Could not read " + what + ": " + sentence(e.describe()) + " The status does not depend on it.");
            return fallback;
        }
    }

    private static String sentence(String text) {
        return StageException.sentence(text);
    }

    Look look(EcsDeployment d, Instant now) {
        EcsClient ecs = aws.client(EcsClient::builder);
        var described = aws.call("ecs:DescribeServices",
                () -> ecs.describeServices(r -> r.cluster(d.cluster()).services(d.service())));
        if (described.services().isEmpty()) {
            return new Look(PollOutcome.done(result(d, now, Status.FAILED, "ECS service '" + d.service()
                    + "' no longer exists in cluster '" + d.cluster() + "'.", null, List.of(), Map.of(), List.of(),
                    List.of(), false)), d);
        }
        Service service = described.services().get(0);
        List<ServiceEvent> fresh = newEvents(service, d);
        fresh.forEach(e -> log.info("  %s %s", e.createdAt(), e.message()));
        EcsDeployment seen = d.withSeen(fresh.stream().map(ServiceEvent::id).toList());
        List<String> events = eventsSince(service, d.startedAt());

        Deployment ours = service.deployments().stream().filter(x -> x.id().equals(d.deploymentId())).findFirst()
                .orElse(null);
        Deployment primary = service.deployments().stream().filter(x -> "PRIMARY".equals(x.status())).findFirst()
                .orElse(null);
        if (ours == null || !"PRIMARY".equals(ours.status())) {
            String reason = ours != null && ours.rolloutStateReason() != null ? ours.rolloutStateReason()
                    : "Deployment " + d.deploymentId() + " was replaced by deployment "
                            + (primary == null ? "(none)" : primary.id() + " of " + primary.taskDefinition()) + ".";
            return new Look(PollOutcome.done(failure(seen, now, Status.ROLLED_BACK, reason, ours, events,
                    configuredAlarms(service))), seen);
        }
        String state = ours.rolloutStateAsString();
        if ("FAILED".equals(state)) {
            return new Look(PollOutcome.done(failure(seen, now, Status.FAILED, ours.rolloutStateReason(), ours,
                    events, configuredAlarms(service))), seen);
        }
        if ("COMPLETED".equals(state) && ours.runningCount() >= ours.desiredCount()) {
            return new Look(PollOutcome.done(success(seen, now, ours, events)), seen);
        }
        String progress = String.format("%d/%d running, %d pending, %d failed task(s), rollout %s",
                ours.runningCount(), ours.desiredCount(), ours.pendingCount(), ours.failedTasks(),
                state == null ? "IN_PROGRESS" : state);
        boolean progressed = !progress.equals(lastProgress);
        if (progressed) {
            log.info("Deployment %s: %s.", d.deploymentId(), progress);
            lastProgress = progress;
        }
        return new Look(new PollOutcome.KeepWaiting<>(progress, progressed, false), seen);
    }

    EcsDeployResult timedOut(EcsDeployment d, Instant now, Duration timeout, boolean rollback) {
        EcsClient ecs = aws.client(EcsClient::builder);
        boolean requested = false;
        String reason = "Deployment " + d.deploymentId() + " did not finish within " + DurationText.format(timeout)
                + ".";
        if (rollback && d.serviceDeploymentArn() != null) {
            try {
                aws.call("ecs:StopServiceDeployment", () -> ecs.stopServiceDeployment(r -> r
                        .serviceDeploymentArn(d.serviceDeploymentArn())
                        .stopType(StopServiceDeploymentStopType.ROLLBACK)));
                requested = true;
                reason += " Stopped it with a rollback to the previous service revision.";
            } catch (StageException e) {
                // The timeout is the verdict; a refused rollback is what the user must act on next.
                reason += " The rollback was refused: " + sentence(e.describe()) + " Roll back by hand in the ECS "
                        + "console.";
                warnings.add("The rollback was refused: " + sentence(e.getMessage()));
            }
        } else if (rollback) {
            reason += " It could not be rolled back: the service deployment ARN is unknown (ecs:ListServiceDeployments"
                    + " was not available). Roll back by hand in the ECS console.";
        }
        log.info(reason);
        var described = aws.call("ecs:DescribeServices",
                () -> ecs.describeServices(r -> r.cluster(d.cluster()).services(d.service())));
        Deployment ours = described.services().stream().flatMap(s -> s.deployments().stream())
                .filter(x -> x.id().equals(d.deploymentId())).findFirst().orElse(null);
        List<String> events = described.services().isEmpty() ? List.of()
                : eventsSince(described.services().get(0), d.startedAt());
        EcsDeployResult r = failure(d, now, Status.TIMED_OUT, reason, ours, events,
                described.services().isEmpty() ? List.of() : configuredAlarms(described.services().get(0)));
        return new EcsDeployResult(r.cluster(), r.service(), r.taskDefinitionArn(), r.deploymentId(),
                r.serviceDeploymentArn(), r.status(), r.reason(), r.duration(), r.runningCount(), r.desiredCount(),
                r.imageDigests(), r.events(), r.stoppedTasks(), r.triggeredAlarms(), requested, r.apiCalls(),
                r.apiCallsByOperation(), r.warnings());
    }

    private EcsDeployResult success(EcsDeployment d, Instant now, Deployment ours, List<String> events) {
        EcsClient ecs = aws.client(EcsClient::builder);
        List<Task> running = tasks(ecs, d, DesiredStatus.RUNNING);
        Map<String, String> digests = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Task t : running) {
            if (!Objects.equals(t.taskDefinitionArn(), d.taskDefinitionArn())) {
                problems.add("task " + t.taskArn() + " runs " + t.taskDefinitionArn());
            }
            t.containers().forEach(c -> {
                if (c.imageDigest() == null) {
                    return;
                }
                String before = digests.putIfAbsent(c.name(), c.imageDigest());
                if (before != null && !before.equals(c.imageDigest())) {
                    problems.add("container " + c.name() + " runs two digests, " + before + " and " + c.imageDigest());
                }
            });
        }
        d.expectedImages().forEach((container, image) -> {
            int at = image.indexOf("@sha256:");
            if (at < 0) {
                return;
            }
            String pinned = image.substring(at + 1);
            String got = digests.get(container);
            if (got != null && !got.equals(pinned)) {
                problems.add("container " + container + " runs " + got + ", not " + pinned);
            } else if (got == null && requireDigest) {
                problems.add("container " + container + " is pinned to " + pinned + ", but no running task reports "
                        + "its image digest (requireDigest is set)");
            } else if (got == null) {
                warn("Container " + container + " is pinned to " + pinned + ", but no running task reports its image "
                        + "digest, so the deployment cannot prove the tasks run it. Set requireDigest to fail in "
                        + "this case.");
            }
        });
        if (!problems.isEmpty()) {
            String reason = "The deployment completed, but its running tasks do not run the expected images: "
                    + String.join("; ", problems) + ".";
            log.info(reason);
            return result(d, now, Status.FAILED, reason, ours, events, digests, List.of(), List.of(), false);
        }
        String reason = "Deployment " + d.deploymentId() + " completed: " + ours.runningCount() + "/"
                + ours.desiredCount() + " tasks running " + d.taskDefinitionArn()
                + (digests.isEmpty() ? "" : " (" + digests + ")") + ".";
        log.info(reason);
        return result(d, now, Status.COMPLETED, reason, ours, events, digests, List.of(), List.of(), false);
    }

    /** A failed or rolled back deployment, with what ECS says about why. */
    private EcsDeployResult failure(EcsDeployment d, Instant now, Status status, String reason, Deployment ours,
                                    List<String> events, List<String> configuredAlarms) {
        EcsClient ecs = aws.client(EcsClient::builder);
        String why = reason == null || reason.isBlank() ? "ECS gave no reason." : reason;
        List<String> alarms = List.of();
        Status finalStatus = status;
        if (d.serviceDeploymentArn() != null) {
            List<ServiceDeployment> sd = enrichment("the service deployment " + d.serviceDeploymentArn(),
                    () -> aws.call("ecs:DescribeServiceDeployments", () -> ecs.describeServiceDeployments(
                            r -> r.serviceDeploymentArns(d.serviceDeploymentArn()))).serviceDeployments(),
                    List.<ServiceDeployment>of());
            if (!sd.isEmpty()) {
                ServiceDeployment s = sd.get(0);
                if (s.alarms() != null && s.alarms().hasTriggeredAlarmNames()) {
                    alarms = s.alarms().triggeredAlarmNames();
                }
                String st = s.statusAsString();
                if (st != null && st.startsWith("ROLLBACK") || s.rollback() != null) {
                    finalStatus = status == Status.TIMED_OUT ? status : Status.ROLLED_BACK;
                    if (s.rollback() != null && s.rollback().reason() != null) {
                        why = s.rollback().reason();
                    }
                }
                if (s.statusReason() != null && !why.contains(s.statusReason())) {
                    why = why + " (" + s.statusReason() + ")";
                }
            }
        }
        if (alarms.isEmpty() && status != Status.TIMED_OUT) {
            alarms = alarmsNamedIn(configuredAlarms, why, events);
        }
        List<Map<String, Object>> stopped = enrichment("the stopped tasks' reasons",
                () -> tasks(ecs, d, DesiredStatus.STOPPED), List.<Task>of()).stream()
                .map(RolloutWatcher::stoppedTask).toList();
        log.info("Deployment %s %s: %s", d.deploymentId(), finalStatus == Status.ROLLED_BACK ? "was rolled back"
                : finalStatus == Status.TIMED_OUT ? "timed out" : "failed", why);
        if (!alarms.isEmpty()) {
            log.info("  Alarms that triggered the rollback: %s", String.join(", ", alarms));
        }
        for (Map<String, Object> t : stopped) {
            log.info("  Stopped task %s: %s %s", t.get("taskArn"), t.get("stoppedReason"), t.get("containers"));
        }
        return result(d, now, finalStatus, why, ours, events, Map.of(), stopped, alarms, false);
    }

    /** The CloudWatch alarms of the service's deployment configuration (deployment alarms). */
    private static List<String> configuredAlarms(Service service) {
        var config = service.deploymentConfiguration();
        if (config == null || config.alarms() == null || !config.alarms().hasAlarmNames()
                || !Boolean.TRUE.equals(config.alarms().enable())) {
            return List.of();
        }
        return config.alarms().alarmNames();
    }

    /**
     * Without the service deployment API, which alarms triggered: those of the service's configuration that ECS's
     * reason or events name; all of them when ECS only says an alarm rolled the deployment back.
     */
    private static List<String> alarmsNamedIn(List<String> configured, String why, List<String> events) {
        if (configured.isEmpty()) {
            return List.of();
        }
        String text = why + "\n" + String.join("\n", events);
        List<String> named = configured.stream().filter(text::contains).toList();
        if (!named.isEmpty()) {
            return named;
        }
        return text.toLowerCase(java.util.Locale.ROOT).contains("alarm") ? configured : List.of();
    }

    private List<Task> tasks(EcsClient ecs, EcsDeployment d, DesiredStatus desired) {
        List<String> arns = aws.call("ecs:ListTasks", () -> ecs.listTasks(r -> r.cluster(d.cluster())
                .startedBy(d.deploymentId()).desiredStatus(desired))).taskArns();
        if (arns.isEmpty()) {
            return List.of();
        }
        List<String> first = arns.subList(0, Math.min(100, arns.size()));
        return aws.call("ecs:DescribeTasks", () -> ecs.describeTasks(r -> r.cluster(d.cluster()).tasks(first)))
                .tasks();
    }

    private static Map<String, Object> stoppedTask(Task t) {
        List<Map<String, Object>> containers = t.containers().stream().map(c -> PlainValues.map()
                .put("name", c.name()).put("exitCode", c.exitCode()).put("reason", c.reason()).build()).toList();
        return PlainValues.map().put("taskArn", t.taskArn()).put("stoppedReason", t.stoppedReason())
                .put("stopCode", t.stopCodeAsString()).put("containers", containers).build();
    }

    private EcsDeployResult result(EcsDeployment d, Instant now, Status status, String reason, Deployment ours,
                                   List<String> events, Map<String, String> digests,
                                   List<Map<String, Object>> stopped, List<String> alarms, boolean rollbackRequested) {
        return new EcsDeployResult(d.cluster(), d.service(), d.taskDefinitionArn(), d.deploymentId(),
                d.serviceDeploymentArn(), status, reason, Duration.between(d.startedAt(), now),
                ours == null ? 0 : ours.runningCount(), ours == null ? d.desiredCount() : ours.desiredCount(),
                digests, events, stopped, alarms, rollbackRequested, aws.calls().attemptsTo("ECS"),
                aws.calls().attemptsByOperation("ECS"), warnings);
    }

    private static List<ServiceEvent> newEvents(Service service, EcsDeployment d) {
        return service.events().stream()
                .filter(e -> e.createdAt() != null && !e.createdAt().isBefore(d.startedAt().minusSeconds(1)))
                .filter(e -> !d.seenEventIds().contains(e.id()))
                .sorted(Comparator.comparing(ServiceEvent::createdAt)).toList();
    }

    private static List<String> eventsSince(Service service, Instant startedAt) {
        return service.events().stream()
                .filter(e -> e.createdAt() != null && !e.createdAt().isBefore(startedAt.minusSeconds(1)))
                .sorted(Comparator.comparing(ServiceEvent::createdAt))
                .map(e -> e.createdAt() + " " + e.message()).toList();
    }
}
