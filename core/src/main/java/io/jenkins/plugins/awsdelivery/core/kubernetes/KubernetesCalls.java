package io.jenkins.plugins.awsdelivery.core.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.function.Supplier;

/**
 * Runs one Kubernetes API call and turns its failure into a {@link StageException} that names what was refused:
 * the verb, the resource and the namespace, which is what an RBAC rule needs.
 */
public final class KubernetesCalls {

    /** The per-request timeout {@link KubernetesClientFactory} gives the client, named in timeout messages. */
    static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(10);

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

    /**
     * No HTTP answer at all: the client gives code 0 or -1 and "An error has occurred", so the cause is read from the
     * network error underneath (connection refused, TLS, unknown host, timeout).
     */
    private static StageException unreachable(String verb, String resource, String where,
                                              KubernetesClientException e) {
        KubernetesReachability.Cause cause = KubernetesReachability.Cause.of(e, REQUEST_TIMEOUT);
        return new StageException(StageException.Kind.KUBERNETES, "The Kubernetes API server could not be reached to "
                + verb + " " + resource + " " + where + ": " + cause.text() + ".", cause.hint(), e);
    }

    private static String hintFor(int code) {
        if (code == 404) {
            return "Check the name and that the cluster serves this API (its CRD is installed).";
        }
        if (code == 409) {
            return "Another change to the same object came first; run the stage again.";
        }
        return code >= 500 ? "The API server failed the request; check its health and run the stage again." : "";
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
            default -> e.getCode() <= 0 ? unreachable(verb, resource, where, e)
                    : new StageException(StageException.Kind.KUBERNETES, "Kubernetes refused to " + verb + " "
                            + resource + " " + where + " (HTTP " + e.getCode() + "): " + serverSays,
                            hintFor(e.getCode()), e);
        };
    }
}
