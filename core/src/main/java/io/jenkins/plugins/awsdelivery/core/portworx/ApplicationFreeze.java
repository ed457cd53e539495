package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import java.time.Duration;
import java.util.List;

/**
 * The request's freeze and unfreeze commands (for MongoDB, {@code db.fsyncLock()} and {@code db.fsyncUnlock()}),
 * run with {@code sh -c} in a pod of the application.
 */
final class ApplicationFreeze {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final PodExec exec;
    private final PxSnapshotRequest request;
    private final StageLog log;

    ApplicationFreeze(KubernetesClient client, PodExec exec, PxSnapshotRequest request, StageLog log) {
        this.client = client;
        this.exec = exec;
        this.request = request;
        this.log = log;
    }

    /** The pod and container the commands run in: the one named, or a running pod that mounts the claim. */
    Target target(String claim) {
        String ns = request.namespace();
        Pod pod;
        if (request.freezePod() != null) {
            pod = KubernetesCalls.call("get", "pods", ns, () -> client.pods().inNamespace(ns)
                    .withName(request.freezePod()).get());
            if (pod == null) {
                throw StageException.invalidInput("Pod '" + request.freezePod() + "' to run the freeze command in "
                        + "was not found in namespace '" + ns + "'.", "Name a running pod of the application.");
            }
        } else {
            pod = KubernetesCalls.call("list", "pods", ns, () -> client.pods().inNamespace(ns).list().getItems())
                    .stream()
                    .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                    .filter(p -> p.getSpec().getVolumes() != null && p.getSpec().getVolumes().stream()
                            .anyMatch(v -> v.getPersistentVolumeClaim() != null
                                    && claim.equals(v.getPersistentVolumeClaim().getClaimName())))
                    .findFirst()
                    .orElseThrow(() -> StageException.invalidInput("No running pod in namespace '" + ns
                                    + "' mounts claim '" + claim + "', so the freeze command has nowhere to run.",
                            "Name the pod with freezePod, or start the application."));
        }
        String container = request.freezeContainer() != null ? request.freezeContainer()
                : pod.getSpec().getContainers().get(0).getName();
        return new Target(pod.getMetadata().getName(), container);
    }

    void freeze(Target target) {
        run(target, request.freezeCommand(), "freeze");
    }

    void unfreeze(Target target) {
        run(target, request.unfreezeCommand(), "unfreeze");
    }

    private void run(Target target, String command, String what) {
        log.info("Running the %s command in pod %s/%s (container %s).", what, request.namespace(), target.pod(),
                target.container());
        PodExec.Result result = exec.run(request.namespace(), target.pod(), target.container(),
                List.of("sh", "-c", command), COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new StageException(StageException.Kind.KUBERNETES, "The " + what + " command exited with "
                    + result.exitCode() + " in pod " + request.namespace() + "/" + target.pod() + ": "
                    + result.output().strip(), "Run it by hand with kubectl exec to see what it needs.");
        }
    }

    /** Where the commands run. */
    record Target(String pod, String container) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }
}
