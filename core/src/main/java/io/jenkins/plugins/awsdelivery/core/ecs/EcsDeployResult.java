package io.jenkins.plugins.awsdelivery.core.ecs;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a deployment ended.
 *
 * @param status COMPLETED, FAILED, ROLLED_BACK, TIMED_OUT, or IN_PROGRESS when not waited for
 * @param reason why, in ECS's own words where it gave any
 * @param imageDigests container → image digest the new deployment's running tasks report
 * @param events service events since the deployment started, oldest first
 * @param stoppedTasks the new deployment's stopped tasks: ARN, stopped reason, containers' exit codes and reasons
 * @param triggeredAlarms CloudWatch alarms that triggered a rollback
 * @param apiCalls HTTP requests sent to ECS: every attempt, SDK retries included
 * @param apiCallsByOperation the same by operation ({@code DescribeServices})
 * @param warnings what could not be checked or read (a digest a task did not report, stopped-task reasons, alarm
 *     names); a warning never changes the status
 */
public record EcsDeployResult(String cluster, String service, String taskDefinitionArn, String deploymentId,
                              String serviceDeploymentArn, Status status, String reason, Duration duration,
                              int runningCount, int desiredCount, Map<String, String> imageDigests,
                              List<String> events, List<Map<String, Object>> stoppedTasks,
                              List<String> triggeredAlarms, boolean rollbackRequested, long apiCalls,
                              Map<String, Long> apiCallsByOperation, List<String> warnings)
        implements StageResult {

    public EcsDeployResult {
        apiCallsByOperation = Map.copyOf(apiCallsByOperation);
        warnings = List.copyOf(warnings);
    }

    /** The outcome of the deployment. */
    public enum Status { COMPLETED, FAILED, ROLLED_BACK, TIMED_OUT, IN_PROGRESS }

    /** The step passed: the deployment completed, or was started and not waited for. */
    public boolean passed() {
        return status == Status.COMPLETED || status == Status.IN_PROGRESS;
    }

    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("cluster", cluster).put("service", service).put("taskDefinitionArn", taskDefinitionArn)
                .put("deploymentId", deploymentId).put("serviceDeploymentArn", serviceDeploymentArn)
                .put("status", status).put("passed", passed()).put("reason", reason)
                .put("durationSeconds", duration.toSeconds())
                .put("runningCount", runningCount).put("desiredCount", desiredCount)
                .put("imageDigests", imageDigests).put("events", events).put("stoppedTasks", stoppedTasks)
                .put("triggeredAlarms", triggeredAlarms).put("rollbackRequested", rollbackRequested)
                .put("apiCalls", apiCalls)
                .put("apiCallsByOperation", new java.util.TreeMap<>(apiCallsByOperation))
                .put("warnings", warnings)
                .build();
    }
}
