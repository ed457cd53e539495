package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import java.util.List;
import java.util.Map;

/**
 * One snapshot API (Stork's or CSI's): creates the snapshot or group snapshot of a request, reads where it stands,
 * builds the claims restored from it, and finds and deletes the ones this job made. The custom resources are read as
 * {@link GenericKubernetesResource}s, so a missing CRD matters only when that API is used.
 */
public sealed interface SnapshotApi permits SnapshotKinds {

    SnapshotMethod method();

    /** The RBAC resource of the snapshot object, {@code plural.group}, for messages. */
    String resource();

    /** The snapshot (or group snapshot) named so in the source namespace, or null. */
    GenericKubernetesResource find(String name);

    /** Creates the snapshot object; the claims are the validated source claims. */
    GenericKubernetesResource create(String name, Map<String, String> labels, Map<String, String> annotations,
                                     List<PersistentVolumeClaim> claims);

    /** Where the snapshot stands. */
    SnapshotLook look(GenericKubernetesResource snapshot);

    /** The volume snapshots behind a ready snapshot, one per source claim. */
    List<SnapshotLook.Member> members(GenericKubernetesResource snapshot, List<PersistentVolumeClaim> claims);

    /** A claim restored from {@code member}, not yet created. */
    PersistentVolumeClaim restoredClaim(SnapshotLook.Member member, PersistentVolumeClaim source, String namespace,
                                        String name, Map<String, String> labels, Map<String, String> annotations);

    /** The snapshot objects in the source namespace carrying all these labels. */
    List<GenericKubernetesResource> list(Map<String, String> labels);

    /** Deletes the snapshot object and, for a group, its volume snapshots. */
    void delete(GenericKubernetesResource snapshot);

    /** Reads and writes one kind of custom resource, with errors that name the verb, resource and namespace. */
    record Kind(KubernetesClient client, ResourceDefinitionContext context) {

        public String resource() {
            return context.getPlural() + "." + context.getGroup();
        }

        public String apiVersion() {
            return context.getGroup() + "/" + context.getVersion();
        }

        public GenericKubernetesResource get(String namespace, String name) {
            return KubernetesCalls.call("get", resource(), namespace, () -> namespace == null
                    ? client.genericKubernetesResources(context).withName(name).get()
                    : client.genericKubernetesResources(context).inNamespace(namespace).withName(name).get());
        }

        public List<GenericKubernetesResource> list(String namespace, Map<String, String> labels) {
            return KubernetesCalls.call("list", resource(), namespace, () -> namespace == null
                    ? client.genericKubernetesResources(context).withLabels(labels).list().getItems()
                    : client.genericKubernetesResources(context).inNamespace(namespace).withLabels(labels).list()
                            .getItems());
        }

        public GenericKubernetesResource create(String namespace, GenericKubernetesResource object) {
            object.setApiVersion(apiVersion());
            object.setKind(context.getKind());
            return KubernetesCalls.call("create", resource(), namespace,
                    () -> client.genericKubernetesResources(context).inNamespace(namespace).resource(object).create());
        }

        public void delete(String namespace, String name) {
            KubernetesCalls.run("delete", resource(), namespace,
                    () -> client.genericKubernetesResources(context).inNamespace(namespace).withName(name).delete());
        }

        /** Whether the API server serves this kind (its CRD is installed). */
        public boolean served() {
            var resources = KubernetesCalls.call("get", "API discovery " + apiVersion(), null, () -> {
                try {
                    return client.getApiResources(apiVersion());
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        return null;
                    }
                    throw e;
                }
            });
            return resources != null && resources.getResources() != null && resources.getResources().stream()
                    .anyMatch(r -> context.getPlural().equals(r.getName()));
        }

        static ResourceDefinitionContext namespaced(String group, String version, String kind, String plural) {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                    .withPlural(plural).withNamespaced(true).build();
        }

        static ResourceDefinitionContext clusterScoped(String group, String version, String kind, String plural) {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                    .withPlural(plural).withNamespaced(false).build();
        }
    }
}
