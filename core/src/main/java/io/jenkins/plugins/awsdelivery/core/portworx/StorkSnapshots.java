package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stork's snapshots: a {@code VolumeSnapshot} of {@code volumesnapshot.external-storage.k8s.io/v1} for one claim, a
 * {@code GroupVolumeSnapshot} of {@code stork.libopenstorage.org/v1alpha1} for a group. Restores go through Stork's
 * {@code stork-snapshot-sc} storage class and the snapshot annotation.
 */
public final class StorkSnapshots extends SnapshotKinds {

    public static final String SNAPSHOT_GROUP = "volumesnapshot.external-storage.k8s.io";
    public static final String STORK_GROUP = "stork.libopenstorage.org";
    public static final String PRE_RULE = "stork.libopenstorage.org/pre-snapshot-rule";
    public static final String POST_RULE = "stork.libopenstorage.org/post-snapshot-rule";
    public static final String RESTORE_NAMESPACES = "stork.libopenstorage.org/snapshot-restore-namespaces";
    public static final String SOURCE_NAMESPACE = "stork.libopenstorage.org/snapshot-source-namespace";
    public static final String SNAPSHOT_ANNOTATION = "snapshot.alpha.kubernetes.io/snapshot";
    public static final String STORAGE_CLASS = "stork-snapshot-sc";

    public StorkSnapshots(KubernetesClient client, PxSnapshotRequest request) {
        super(request, new Kind(client, Kind.namespaced(SNAPSHOT_GROUP, "v1", "VolumeSnapshot", "volumesnapshots")),
                new Kind(client, Kind.namespaced(STORK_GROUP, "v1alpha1", "GroupVolumeSnapshot",
                        "groupvolumesnapshots")), "Stork's");
    }

    @Override
    public SnapshotMethod method() {
        return SnapshotMethod.STORK;
    }

    @Override
    public GenericKubernetesResource create(String name, Map<String, String> labels, Map<String, String> annotations,
                                            List<PersistentVolumeClaim> claims) {
        GenericKubernetesResource object = new GenericKubernetesResource();
        Map<String, String> notes = new LinkedHashMap<>(annotations);
        Map<String, Object> spec = new LinkedHashMap<>();
        boolean otherNamespace = request.restoreTo() != null && !request.restoreTo().equals(request.namespace());
        if (request.group()) {
            spec.put("pvcSelector", Map.of("matchLabels", request.pvcSelector()));
            if (request.preSnapshotRule() != null) {
                spec.put("preExecRule", request.preSnapshotRule());
            }
            if (request.postSnapshotRule() != null) {
                spec.put("postExecRule", request.postSnapshotRule());
            }
            if (otherNamespace) {
                spec.put("restoreNamespaces", List.of(request.restoreTo()));
            }
        } else {
            spec.put("persistentVolumeClaimName", request.pvc());
            if (request.preSnapshotRule() != null) {
                notes.put(PRE_RULE, request.preSnapshotRule());
            }
            if (request.postSnapshotRule() != null) {
                notes.put(POST_RULE, request.postSnapshotRule());
            }
            if (otherNamespace) {
                notes.put(RESTORE_NAMESPACES, request.restoreTo());
            }
        }
        object.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(request.namespace())
                .withLabels(labels).withAnnotations(notes).build());
        object.setAdditionalProperty("spec", spec);
        return kind().create(request.namespace(), object);
    }

    @Override
    public SnapshotLook look(GenericKubernetesResource snapshot) {
        if (request.group()) {
            String status = Objects.toString(Maps.at(snapshot, "status", "status"), "");
            String stage = Objects.toString(Maps.at(snapshot, "status", "stage"), "");
            if ("Successful".equals(status)) {
                return new SnapshotLook(SnapshotLook.State.READY, "Successful", true);
            }
            if ("Failed".equals(status)) {
                List<String> messages = new ArrayList<>();
                for (Object member : Maps.list(Maps.at(snapshot, "status", "volumeSnapshots"))) {
                    for (Object c : Maps.list(Maps.at(member, "Conditions"))) {
                        String message = Objects.toString(Maps.at(c, "message"), "");
                        if (!message.isBlank() && !messages.contains(message)) {
                            messages.add(message);
                        }
                    }
                }
                return new SnapshotLook(SnapshotLook.State.FAILED, messages.isEmpty()
                        ? "Stork reported the group snapshot Failed in stage " + stage + "."
                        : String.join("; ", messages), true);
            }
            boolean taken = "PostSnapshot".equals(stage) || "Final".equals(stage);
            return new SnapshotLook(taken ? SnapshotLook.State.TAKEN : SnapshotLook.State.PENDING,
                    stage.isEmpty() ? "no status yet" : "stage " + stage + (status.isEmpty() ? "" : ", " + status),
                    !stage.isEmpty() || !status.isEmpty());
        }
        List<Object> conditions = Maps.list(Maps.at(snapshot, "status", "conditions"));
        for (Object c : conditions) {
            if ("True".equals(Maps.at(c, "status")) && "Error".equals(Maps.at(c, "type"))) {
                return new SnapshotLook(SnapshotLook.State.FAILED, Objects.toString(Maps.at(c, "message"),
                        "Stork reported an error without a message."), true);
            }
        }
        for (Object c : conditions) {
            if ("True".equals(Maps.at(c, "status")) && "Ready".equals(Maps.at(c, "type"))) {
                return new SnapshotLook(SnapshotLook.State.READY, "Ready", true);
            }
        }
        String last = conditions.isEmpty() ? "no status yet"
                : Objects.toString(Maps.at(conditions.get(conditions.size() - 1), "type"), "Pending");
        return new SnapshotLook(SnapshotLook.State.PENDING, last, !conditions.isEmpty());
    }

    @Override
    public List<SnapshotLook.Member> members(GenericKubernetesResource snapshot, List<PersistentVolumeClaim> claims) {
        if (!request.group()) {
            return List.of(new SnapshotLook.Member(snapshot.getMetadata().getName(), request.pvc()));
        }
        List<SnapshotLook.Member> out = new ArrayList<>();
        for (Object member : Maps.list(Maps.at(snapshot, "status", "volumeSnapshots"))) {
            String name = Objects.toString(Maps.at(member, "VolumeSnapshotName"), null);
            if (name == null) {
                continue;
            }
            GenericKubernetesResource vs = volumeSnapshots.get(request.namespace(), name);
            String claim = vs == null ? null : Objects.toString(Maps.at(vs, "spec", "persistentVolumeClaimName"), null);
            out.add(new SnapshotLook.Member(name, claim));
        }
        return out;
    }

    @Override
    public PersistentVolumeClaim restoredClaim(SnapshotLook.Member member, PersistentVolumeClaim source,
                                               String namespace, String name, Map<String, String> labels,
                                               Map<String, String> annotations) {
        Map<String, String> notes = new LinkedHashMap<>(annotations);
        notes.put(SNAPSHOT_ANNOTATION, member.snapshot());
        if (!namespace.equals(request.namespace())) {
            notes.put(SOURCE_NAMESPACE, request.namespace());
        }
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withAnnotations(notes).endMetadata()
                .withNewSpec().withStorageClassName(STORAGE_CLASS)
                .withAccessModes(source.getSpec().getAccessModes())
                .withResources(source.getSpec().getResources()).endSpec()
                .build();
    }

    @Override
    public List<GenericKubernetesResource> list(Map<String, String> labels) {
        return kind().list(request.namespace(), labels);
    }

    @Override
    public void delete(GenericKubernetesResource snapshot) {
        String name = snapshot.getMetadata().getName();
        if (request.group()) {
            for (Object member : Maps.list(Maps.at(snapshot, "status", "volumeSnapshots"))) {
                Object memberName = Maps.at(member, "VolumeSnapshotName");
                if (memberName != null) {
                    volumeSnapshots.delete(request.namespace(), memberName.toString());
                }
            }
        }
        kind().delete(request.namespace(), name);
    }
}
