package io.jenkins.plugins.awsdelivery.core.ecs;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * A new revision of a task definition with other images: every registrable field is copied, the read-only ones
 * (ARN, revision, status, requiresAttributes, compatibilities, registration and deregistration data) are left out.
 */
final class TaskDefinitionRevision {

    private final DescribeTaskDefinitionResponse current;
    private final Map<String, String> images;

    TaskDefinitionRevision(DescribeTaskDefinitionResponse current, Map<String, String> images) {
        this.current = current;
        this.images = images;
    }

    RegisterTaskDefinitionRequest request() {
        TaskDefinition td = current.taskDefinition();
        List<ContainerDefinition> containers = td.containerDefinitions().stream()
                .map(c -> images.containsKey(c.name()) ? c.toBuilder().image(images.get(c.name())).build() : c)
                .toList();
        RegisterTaskDefinitionRequest.Builder b = RegisterTaskDefinitionRequest.builder()
                .family(td.family())
                .taskRoleArn(td.taskRoleArn())
                .executionRoleArn(td.executionRoleArn())
                .networkMode(td.networkModeAsString())
                .containerDefinitions(containers)
                .cpu(td.cpu())
                .memory(td.memory())
                .pidMode(td.pidModeAsString())
                .ipcMode(td.ipcModeAsString())
                .proxyConfiguration(td.proxyConfiguration())
                .ephemeralStorage(td.ephemeralStorage())
                .runtimePlatform(td.runtimePlatform())
                .enableFaultInjection(td.enableFaultInjection());
        if (td.hasVolumes()) {
            b.volumes(td.volumes());
        }
        if (td.hasPlacementConstraints()) {
            b.placementConstraints(td.placementConstraints());
        }
        if (td.hasRequiresCompatibilities()) {
            b.requiresCompatibilitiesWithStrings(td.requiresCompatibilitiesAsStrings());
        }
        if (td.hasInferenceAccelerators()) {
            b.inferenceAccelerators(td.inferenceAccelerators());
        }
        if (current.hasTags() && !current.tags().isEmpty()) {
            b.tags(current.tags());
        }
        return b.build();
    }

    TaskDefinition register(AwsClientFactory aws, EcsClient ecs) {
        RegisterTaskDefinitionRequest r = request();
        return aws.call("ecs:RegisterTaskDefinition", () -> ecs.registerTaskDefinition(r)).taskDefinition();
    }
}
