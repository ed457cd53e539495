package io.jenkins.plugins.awsdelivery.core.ecs;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@code ecsForceDeploy} is about to ask of ECS, recorded (and persisted by the Jenkins step) just before
 * UpdateService, so that a controller that dies after the call finds the deployment instead of starting a second
 * one. UpdateService takes no client token; the rule that recognises the deployment is in
 * {@link EcsForceDeploy#resume(EcsDeployIntent)}.
 *
 * @param startedAt when the step began
 * @param taskDefinitionArn the revision the service is updated to
 * @param previousTaskDefinitionArn the revision the service ran before
 * @param deploymentsBefore IDs of the service's deployments before the update
 * @param expectedImages container → image of the new revision
 */
public record EcsDeployIntent(Instant startedAt, String taskDefinitionArn, String previousTaskDefinitionArn,
                              List<String> deploymentsBefore, Map<String, String> expectedImages)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public EcsDeployIntent {
        // Plain collections: this is written into Pipeline state (program.dat).
        deploymentsBefore = new ArrayList<>(deploymentsBefore);
        expectedImages = new LinkedHashMap<>(expectedImages);
    }
}
