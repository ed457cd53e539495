package io.jenkins.plugins.awsdelivery.core.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.function.Supplier;

/**
 * Runs one Kubernetes API call and turns its failure into a {@link StageException} that names what was refused:
 * the verb, the resource and the namespace, which is what an RBAC rule needs.
 */
public final class KubernetesCalls {

    private KubernetesCalls() {}

    /**
     * @param verb the RBAC verb ({@code get}, {@code list}, {@code create}, {@code patch}, {@code delete})
     * @param resource the RBAC resource, {@code plural.group} for API groups ({@code volumesnapshots.snapshot.storage.k8s.io})
     * @param namespace the namespace, or null for a cluster-scoped resource
     */
    public static <T> T call(String verb, String resource, String namespace, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(verb, resource, namespace, e);
        }
    }

    public static void run(String verb, String resource, String namespace, Runnable call) {
        call(verb, resource, namespace, () -> {
            call.run();
            return null;
        });
    }

    public static StageException translate(String verb, String resource, String namespace,
                                           KubernetesClientException e) {
        String where = namespace == null ? "(cluster-scoped)" : "in namespace '" + namespace + "'";
        String serverSays = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage() : e.getMessage();
        return switch (e.getCode()) {
            case 401 -> new StageException(StageException.Kind.KUBERNETES, "The Kubernetes API did not accept the "
                    + "credentials (401 Unauthorized) when asked to " + verb + " " + resource + " " + where + ".",
                    "Check the kubeconfig or the service account token; tokens expire.", e);
            case 403 -> new StageException(StageException.Kind.KUBERNETES, "Kubernetes RBAC forbids '" + verb + "' on '"
                    + resource + "' " + where + ": " + serverSays,
                    "Grant the verb '" + verb + "' on '" + resource + "' "
                            + (namespace == null ? "in a ClusterRole" : "in a Role in namespace '" + namespace + "'")
                            + " to the identity Jenkins uses (see the RBAC role in docs/px-snapshot.md).", e);
            case 0 -> new StageException(StageException.Kind.KUBERNETES, "The Kubernetes API could not be reached "
                    + "to " + verb + " " + resource + " " + where + ": " + e.getMessage(),
                    "Check the server URL, the network path from Jenkins to the cluster and the CA certificate.", e);
            default -> new StageException(StageException.Kind.KUBERNETES, "Kubernetes refused to " + verb + " "
                    + resource + " " + where + " (HTTP " + e.getCode() + "): " + serverSays, "", e);
        };
    }
}
