package io.jenkins.plugins.awsdelivery.core.ecs;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The deployment this step started: everything needed to follow it after a controller restart.
 *
 * @param serviceDeploymentArn the service deployment ARN, or null where the ListServiceDeployments API did not
 *     answer (older regions, a policy without ecs:ListServiceDeployments)
 * @param expectedImages container → image the new task definition names
 * @param seenEventIds IDs of service events already shown, so none is shown twice
 */
public record EcsDeployment(String cluster, String service, String serviceArn, String taskDefinitionArn,
                            String deploymentId, String serviceDeploymentArn, Instant startedAt, int desiredCount,
                            Map<String, String> expectedImages, List<String> seenEventIds) implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int MAX_REMEMBERED_EVENTS = 200;

    public EcsDeployment {
        // Plain collections: this is written into Pipeline state (program.dat), where JDK-internal immutable
        // collections need --add-opens to be read back.
        expectedImages = new java.util.LinkedHashMap<>(expectedImages);
        seenEventIds = new java.util.ArrayList<>(seenEventIds);
    }

    EcsDeployment withSeen(List<String> newIds) {
        if (newIds.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(seenEventIds);
        all.addAll(newIds);
        List<String> kept = all.size() <= MAX_REMEMBERED_EVENTS ? all
                : all.subList(all.size() - MAX_REMEMBERED_EVENTS, all.size());
        return new EcsDeployment(cluster, service, serviceArn, taskDefinitionArn, deploymentId, serviceDeploymentArn,
                startedAt, desiredCount, expectedImages, kept);
    }
}
