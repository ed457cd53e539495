package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes CSI snapshots with the Portworx CSI driver: a {@code snapshot.storage.k8s.io/v1} {@code VolumeSnapshot}
 * for one claim, a {@code groupsnapshot.storage.k8s.io/v1beta1} {@code VolumeGroupSnapshot} for a group. A restore is
 * a claim whose {@code dataSource} names the snapshot ({@code dataSourceRef} with a namespace for another namespace).
 */
public final class CsiSnapshots extends SnapshotKinds {

    public static final String DRIVER = "pxd.portworx.com";
    public static final String SNAPSHOT_GROUP = "snapshot.storage.k8s.io";
    public static final String GROUP_SNAPSHOT_GROUP = "groupsnapshot.storage.k8s.io";
    private static final String DEFAULT_CLASS = "snapshot.storage.kubernetes.io/is-default-class";

    private final KubernetesClient client;
    private final Kind snapshotContents;
    private final Kind snapshotClasses;
    private final Kind groupContents;
    private final Kind groupClasses;
    private String resolvedClass;

    public CsiSnapshots(KubernetesClient client, PxSnapshotRequest request) {
        super(request, new Kind(client, Kind.namespaced(SNAPSHOT_GROUP, "v1", "VolumeSnapshot", "volumesnapshots")),
                new Kind(client, Kind.namespaced(GROUP_SNAPSHOT_GROUP, "v1beta1", "VolumeGroupSnapshot",
                        "volumegroupsnapshots")), "the CSI");
        this.client = client;
        this.snapshotContents = new Kind(client, Kind.clusterScoped(SNAPSHOT_GROUP, "v1", "VolumeSnapshotContent",
                "volumesnapshotcontents"));
        this.snapshotClasses = new Kind(client, Kind.clusterScoped(SNAPSHOT_GROUP, "v1", "VolumeSnapshotClass",
                "volumesnapshotclasses"));
        this.groupContents = new Kind(client, Kind.clusterScoped(GROUP_SNAPSHOT_GROUP, "v1beta1",
                "VolumeGroupSnapshotContent", "volumegroupsnapshotcontents"));
        this.groupClasses = new Kind(client, Kind.clusterScoped(GROUP_SNAPSHOT_GROUP, "v1beta1",
                "VolumeGroupSnapshotClass", "volumegroupsnapshotclasses"));
    }

    @Override
    public SnapshotMethod method() {
        return SnapshotMethod.CSI;
    }

    /** The snapshot class of the Portworx CSI driver: the one named, or the default one of the driver. */
    public String snapshotClass() {
        if (resolvedClass != null) {
            return resolvedClass;
        }
        Kind classes = request.group() ? groupClasses : snapshotClasses;
        String kindName = classes.context().getKind();
        if (request.snapshotClass() != null) {
            GenericKubernetesResource named = classes.get(null, request.snapshotClass());
            if (named == null) {
                throw StageException.invalidInput(kindName + " '" + request.snapshotClass() + "' does not exist.",
                        "Create it with driver " + DRIVER + ", or leave snapshotClass out to use the Portworx one.");
            }
            String driver = Objects.toString(Maps.at(named, "driver"), "");
            if (!DRIVER.equals(driver)) {
                throw StageException.invalidInput(kindName + " '" + request.snapshotClass() + "' is for driver '"
                        + driver + "', not the Portworx CSI driver " + DRIVER + ".",
                        "Use a class with driver " + DRIVER + ".");
            }
            resolvedClass = request.snapshotClass();
            return resolvedClass;
        }
        List<GenericKubernetesResource> portworx = classes.list(null, Map.of()).stream()
                .filter(c -> DRIVER.equals(Maps.at(c, "driver")))
                .sorted(Comparator.comparing((GenericKubernetesResource c) -> !"true".equals(
                                c.getMetadata().getAnnotations() == null ? null
                                        : c.getMetadata().getAnnotations().get(DEFAULT_CLASS)))
                        .thenComparing(c -> c.getMetadata().getName()))
                .toList();
        if (portworx.isEmpty()) {
            throw new StageException(StageException.Kind.KUBERNETES, "No " + kindName + " of the Portworx CSI "
                    + "driver " + DRIVER + " exists in the cluster.",
                    "Create one: apiVersion: " + classes.apiVersion() + ", kind: " + kindName
                            + ", metadata.name: px-csi-snapclass, driver: " + DRIVER + ", deletionPolicy: Delete.");
        }
        resolvedClass = portworx.get(0).getMetadata().getName();
        return resolvedClass;
    }

    @Override
    public GenericKubernetesResource create(String name, Map<String, String> labels, Map<String, String> annotations,
                                            List<PersistentVolumeClaim> claims) {
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(request.namespace())
                .withLabels(labels).withAnnotations(annotations).build());
        Map<String, Object> spec = new LinkedHashMap<>();
        if (request.group()) {
            spec.put("volumeGroupSnapshotClassName", snapshotClass());
            spec.put("source", Map.of("selector", Map.of("matchLabels", request.pvcSelector())));
        } else {
            spec.put("volumeSnapshotClassName", snapshotClass());
            spec.put("source", Map.of("persistentVolumeClaimName", request.pvc()));
        }
        object.setAdditionalProperty("spec", spec);
        return kind().create(request.namespace(), object);
    }

    @Override
    public SnapshotLook look(GenericKubernetesResource snapshot) {
        Object status = Maps.at(snapshot, "status");
        Object error = Maps.at(status, "error", "message");
        if (error != null) {
            return new SnapshotLook(SnapshotLook.State.FAILED, error.toString(), true);
        }
        if (Boolean.TRUE.equals(Maps.at(status, "readyToUse"))) {
            return new SnapshotLook(SnapshotLook.State.READY, "readyToUse", true);
        }
        if (Maps.at(status, "creationTime") != null) {
            return new SnapshotLook(SnapshotLook.State.TAKEN, "taken, not yet readyToUse", true);
        }
        return new SnapshotLook(SnapshotLook.State.PENDING, status == null ? "no status yet" : "not taken yet",
                status != null);
    }

    @Override
    public List<SnapshotLook.Member> members(GenericKubernetesResource snapshot, List<PersistentVolumeClaim> claims) {
        String name = snapshot.getMetadata().getName();
        if (!request.group()) {
            return List.of(new SnapshotLook.Member(name, request.pvc()));
        }
        // The group's volume snapshots are found through their owner; the claim each was taken of through the
        // group content's pairs of volume and snapshot handles, matched with the claims' volumes.
        Map<String, String> claimByVolumeHandle = new HashMap<>();
        for (PersistentVolumeClaim claim : claims) {
            String pvName = claim.getSpec().getVolumeName();
            if (pvName == null) {
                continue;
            }
            PersistentVolume pv = KubernetesCalls.call("get", "persistentvolumes", null,
                    () -> client.persistentVolumes().withName(pvName).get());
            if (pv != null && pv.getSpec().getCsi() != null) {
                claimByVolumeHandle.put(pv.getSpec().getCsi().getVolumeHandle(), claim.getMetadata().getName());
            }
        }
        Map<String, String> volumeBySnapshotHandle = new HashMap<>();
        Object contentName = Maps.at(snapshot, "status", "boundVolumeGroupSnapshotContentName");
        GenericKubernetesResource content = contentName == null ? null : groupContents.get(null, contentName.toString());
        for (Object pair : Maps.list(Maps.at(content, "status", "volumeSnapshotHandlePairList"))) {
            volumeBySnapshotHandle.put(Objects.toString(Maps.at(pair, "snapshotHandle")),
                    Objects.toString(Maps.at(pair, "volumeHandle")));
        }
        List<SnapshotLook.Member> out = new ArrayList<>();
        for (GenericKubernetesResource vs : volumeSnapshots.list(request.namespace(), Map.of())) {
            boolean owned = vs.getMetadata().getOwnerReferences() != null && vs.getMetadata().getOwnerReferences()
                    .stream().anyMatch(o -> "VolumeGroupSnapshot".equals(o.getKind()) && name.equals(o.getName()));
            if (!owned) {
                continue;
            }
            Object vscName = Maps.at(vs, "status", "boundVolumeSnapshotContentName");
            GenericKubernetesResource vsc = vscName == null ? null : snapshotContents.get(null, vscName.toString());
            String handle = Objects.toString(Maps.at(vsc, "status", "snapshotHandle"), null);
            String claim = handle == null ? null : claimByVolumeHandle.get(volumeBySnapshotHandle.get(handle));
            out.add(new SnapshotLook.Member(vs.getMetadata().getName(), claim));
        }
        return out;
    }

    @Override
    public PersistentVolumeClaim restoredClaim(SnapshotLook.Member member, PersistentVolumeClaim source,
                                               String namespace, String name, Map<String, String> labels,
                                               Map<String, String> annotations) {
        var spec = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withStorageClassName(source.getSpec().getStorageClassName())
                .withAccessModes(source.getSpec().getAccessModes())
                .withResources(source.getSpec().getResources());
        if (namespace.equals(request.namespace())) {
            spec.withNewDataSource().withApiGroup(SNAPSHOT_GROUP).withKind("VolumeSnapshot")
                    .withName(member.snapshot()).endDataSource();
        } else {
            // Another namespace needs the CrossNamespaceVolumeDataSource feature and a ReferenceGrant.
            spec.withNewDataSourceRef().withApiGroup(SNAPSHOT_GROUP).withKind("VolumeSnapshot")
                    .withName(member.snapshot()).withNamespace(request.namespace()).endDataSourceRef();
        }
        return spec.endSpec().build();
    }

    @Override
    public List<GenericKubernetesResource> list(Map<String, String> labels) {
        return kind().list(request.namespace(), labels);
    }

    @Override
    public void delete(GenericKubernetesResource snapshot) {
        // A group's volume snapshots are owned by it and go with it.
        kind().delete(request.namespace(), snapshot.getMetadata().getName());
    }
}
