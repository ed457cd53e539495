package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import java.util.List;
import java.util.Objects;

/** The staging Deployment or StatefulSet that mounts the restored claim: repointed once, then its rollout followed. */
final class StagingWorkload {

    private final KubernetesClient client;
    private final PxSnapshotRequest request;
    private final String kind;
    private final String name;
    private final String namespace;

    StagingWorkload(KubernetesClient client, PxSnapshotRequest request) {
        this.client = client;
        this.request = request;
        this.kind = request.stagingWorkloadKind();
        this.name = request.stagingWorkloadName();
        this.namespace = request.restoreTo();
    }

    String describe() {
        return kind + "/" + name + " in namespace " + namespace;
    }

    private String resource() {
        return kind + "s.apps";
    }

    /** Points the workload's claim volume at {@code claim}; returns the workload's generation after the change. */
    long repoint(String claim) {
        HasMetadata current = get();
        if (current == null) {
            throw StageException.invalidInput("Staging " + describe() + " was not found.",
                    "Deploy the staging application first, or check stagingWorkload.");
        }
        Volume volume = volumeToRepoint(template(current).getSpec().getVolumes());
        String volumeName = volume.getName();
        HasMetadata edited = KubernetesCalls.call("patch", resource(), namespace, () -> "deployment".equals(kind)
                ? client.apps().deployments().inNamespace(namespace).withName(name)
                        .edit(d -> setClaim(d, d.getSpec().getTemplate(), volumeName, claim))
                : client.apps().statefulSets().inNamespace(namespace).withName(name)
                        .edit(s -> setClaim(s, s.getSpec().getTemplate(), volumeName, claim)));
        Long generation = edited.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    /** One look at the rollout. */
    PollOutcome<String> look(long generation) {
        HasMetadata current = get();
        if (current == null) {
            return PollOutcome.failed("Staging " + describe() + " was deleted during the rollout.", null);
        }
        if (current instanceof Deployment d) {
            var status = d.getStatus();
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            if (status != null && status.getConditions() != null) {
                for (DeploymentCondition c : status.getConditions()) {
                    if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())) {
                        return PollOutcome.failed("Staging " + describe() + " did not roll out: " + c.getReason()
                                + ": " + c.getMessage(), null);
                    }
                }
            }
            long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
            int updated = status == null ? 0 : nz(status.getUpdatedReplicas());
            int available = status == null ? 0 : nz(status.getAvailableReplicas());
            int total = status == null ? 0 : nz(status.getReplicas());
            String progress = updated + "/" + replicas + " updated, " + available + " available";
            if (observed >= generation && updated == replicas && available == replicas && total == replicas) {
                return PollOutcome.done("rolled out: " + progress);
            }
            return PollOutcome.waiting("rolling out " + describe() + ": " + progress);
        }
        StatefulSet s = (StatefulSet) current;
        var status = s.getStatus();
        int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        int updated = status == null ? 0 : nz(status.getUpdatedReplicas());
        int ready = status == null ? 0 : nz(status.getReadyReplicas());
        boolean sameRevision = status != null && (status.getUpdateRevision() == null
                || Objects.equals(status.getUpdateRevision(), status.getCurrentRevision()));
        String progress = updated + "/" + replicas + " updated, " + ready + " ready";
        if (observed >= generation && updated == replicas && ready == replicas && sameRevision) {
            return PollOutcome.done("rolled out: " + progress);
        }
        return PollOutcome.waiting("rolling out " + describe() + ": " + progress);
    }

    private HasMetadata get() {
        return KubernetesCalls.call("get", resource(), namespace, () -> "deployment".equals(kind)
                ? client.apps().deployments().inNamespace(namespace).withName(name).get()
                : client.apps().statefulSets().inNamespace(namespace).withName(name).get());
    }

    private static PodTemplateSpec template(HasMetadata workload) {
        return workload instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) workload).getSpec()
                .getTemplate();
    }

    private Volume volumeToRepoint(List<Volume> volumes) {
        List<Volume> claims = volumes == null ? List.of()
                : volumes.stream().filter(v -> v.getPersistentVolumeClaim() != null).toList();
        if (request.stagingVolume() != null) {
            return claims.stream().filter(v -> v.getName().equals(request.stagingVolume())).findFirst()
                    .orElseThrow(() -> StageException.invalidInput("Staging " + describe() + " has no claim volume "
                            + "named '" + request.stagingVolume() + "'.", "Use one of its claim volumes: "
                            + claims.stream().map(Volume::getName).toList() + "."));
        }
        if (claims.size() != 1) {
            throw StageException.invalidInput("Staging " + describe() + " has " + claims.size() + " claim volumes "
                    + claims.stream().map(Volume::getName).toList() + "; it is not clear which to repoint.",
                    "Name it with stagingVolume.");
        }
        return claims.get(0);
    }

    private static <T> T setClaim(T workload, PodTemplateSpec template, String volume, String claim) {
        template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .ifPresent(v -> v.getPersistentVolumeClaim().setClaimName(claim));
        return workload;
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }
}
