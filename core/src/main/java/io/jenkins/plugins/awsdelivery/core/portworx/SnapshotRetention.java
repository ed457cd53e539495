package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code retain: N}: keeps the newest N snapshots this job made of the same source (this build's included) and
 * deletes the older ones, and with {@code deleteRestoredClaims} the claims restored from them. Objects of other jobs,
 * of other sources, or made by hand carry other labels and are never selected.
 */
final class SnapshotRetention {

    private final KubernetesClient client;
    private final SnapshotApi api;
    private final PxSnapshotRequest request;
    private final PxNames names;
    private final StageLog log;

    SnapshotRetention(KubernetesClient client, SnapshotApi api, PxSnapshotRequest request, PxNames names,
                      StageLog log) {
        this.client = client;
        this.api = api;
        this.request = request;
        this.names = names;
        this.log = log;
    }

    /** Deletes what falls out of retention; returns {@code kind/namespace/name} of what was deleted. */
    List<String> apply(String current) {
        if (request.retain() == 0) {
            return List.of();
        }
        List<GenericKubernetesResource> older = new ArrayList<>(api.list(names.ownerLabels()).stream()
                .filter(s -> !s.getMetadata().getName().equals(current))
                .sorted(Comparator.comparing(SnapshotRetention::build).reversed())
                .toList());
        List<GenericKubernetesResource> doomed = older.size() < request.retain() ? List.of()
                : older.subList(request.retain() - 1, older.size());
        List<String> deleted = new ArrayList<>();
        for (GenericKubernetesResource snapshot : doomed) {
            String name = snapshot.getMetadata().getName();
            if (request.deleteRestoredClaims()) {
                deleted.addAll(deleteClaimsOf(name));
            }
            api.delete(snapshot);
            deleted.add(snapshot.getKind() + "/" + request.namespace() + "/" + name);
            log.info("Retention (keep %d): deleted %s %s of build %s.", request.retain(), snapshot.getKind(), name,
                    snapshot.getMetadata().getLabels().get(PxNames.BUILD));
        }
        return deleted;
    }

    private List<String> deleteClaimsOf(String snapshot) {
        String ns = request.restoreTo() != null ? request.restoreTo() : request.namespace();
        Map<String, String> selector = new LinkedHashMap<>(names.ownerLabels());
        selector.put(PxNames.SNAPSHOT, snapshot);
        List<PersistentVolumeClaim> claims = KubernetesCalls.call("list", "persistentvolumeclaims", ns,
                () -> client.persistentVolumeClaims().inNamespace(ns).withLabels(selector).list().getItems());
        List<String> out = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            KubernetesCalls.run("delete", "persistentvolumeclaims", ns,
                    () -> client.persistentVolumeClaims().inNamespace(ns).withName(claim.getMetadata().getName())
                            .delete());
            out.add("PersistentVolumeClaim/" + ns + "/" + claim.getMetadata().getName());
        }
        return out;
    }

    /** Newest first by build number, then by creation time for objects of the same build. */
    private static String build(GenericKubernetesResource s) {
        String build = s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get(PxNames.BUILD);
        String created = s.getMetadata().getCreationTimestamp() == null ? "" : s.getMetadata().getCreationTimestamp();
        return String.format("%012d|%s", parse(build), created);
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
