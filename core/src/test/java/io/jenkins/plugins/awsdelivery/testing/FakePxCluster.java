package io.jenkins.plugins.awsdelivery.testing;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.jenkins.plugins.awsdelivery.core.portworx.Maps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;

/**
 * A Kubernetes API (fabric8's mock server in CRUD mode) with Portworx claims, and test controllers that play Stork,
 * the CSI snapshot controller, the volume binder and the Deployment and StatefulSet controllers. They act in
 * {@link #tick()}, which tests call between two polls of the stage (from the waiter's sleeper): a snapshot is
 * ready (or failed) once it has been seen {@code n} ticks, a restored claim binds, a repointed workload rolls out.
 */
public final class FakePxCluster implements AutoCloseable {

    public static final ResourceDefinitionContext STORK_SNAPSHOT = ctx("volumesnapshot.external-storage.k8s.io", "v1",
            "VolumeSnapshot", "volumesnapshots", true);
    public static final ResourceDefinitionContext STORK_GROUP = ctx("stork.libopenstorage.org", "v1alpha1",
            "GroupVolumeSnapshot", "groupvolumesnapshots", true);
    public static final ResourceDefinitionContext CSI_SNAPSHOT = ctx("snapshot.storage.k8s.io", "v1",
            "VolumeSnapshot", "volumesnapshots", true);
    public static final ResourceDefinitionContext CSI_CONTENT = ctx("snapshot.storage.k8s.io", "v1",
            "VolumeSnapshotContent", "volumesnapshotcontents", false);
    public static final ResourceDefinitionContext CSI_CLASS = ctx("snapshot.storage.k8s.io", "v1",
            "VolumeSnapshotClass", "volumesnapshotclasses", false);
    public static final ResourceDefinitionContext CSI_GROUP = ctx("groupsnapshot.storage.k8s.io", "v1beta1",
            "VolumeGroupSnapshot", "volumegroupsnapshots", true);
    public static final ResourceDefinitionContext CSI_GROUP_CONTENT = ctx("groupsnapshot.storage.k8s.io", "v1beta1",
            "VolumeGroupSnapshotContent", "volumegroupsnapshotcontents", false);
    public static final ResourceDefinitionContext CSI_GROUP_CLASS = ctx("groupsnapshot.storage.k8s.io", "v1beta1",
            "VolumeGroupSnapshotClass", "volumegroupsnapshotclasses", false);

    /** What the snapshot controller does with new snapshots. */
    public enum SnapshotBehaviour { READY, FAIL, SILENT }

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, Integer> seen = new HashMap<>();
    private final java.util.Set<String> installed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, String> workloadClaims = new HashMap<>();
    private SnapshotBehaviour behaviour = SnapshotBehaviour.READY;
    private String failure = "";
    private int readyAfter = 1;
    private int bindAfter = 1;
    private int rolloutAfter = 1;
    private int ticks;
    private final List<String> execs = new ArrayList<>();

    public FakePxCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        List<CustomResourceDefinitionContext> crds = new ArrayList<>();
        for (ResourceDefinitionContext c : List.of(STORK_SNAPSHOT, STORK_GROUP, CSI_SNAPSHOT, CSI_CONTENT, CSI_CLASS,
                CSI_GROUP, CSI_GROUP_CONTENT, CSI_GROUP_CLASS)) {
            crds.add(new CustomResourceDefinitionContext.Builder().withGroup(c.getGroup())
                    .withVersion(c.getVersion()).withKind(c.getKind()).withPlural(c.getPlural())
                    .withScope(c.isNamespaceScoped() ? "Namespaced" : "Cluster").build());
        }
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses, crds), false);
        server.init();
        client = server.createClient();
        // Discovery answers 404 for an API group until a test installs it, as for a CRD that is not installed.
        for (ResourceDefinitionContext[] kinds : List.of(new ResourceDefinitionContext[] {STORK_SNAPSHOT},
                new ResourceDefinitionContext[] {STORK_GROUP},
                new ResourceDefinitionContext[] {CSI_SNAPSHOT, CSI_CONTENT, CSI_CLASS},
                new ResourceDefinitionContext[] {CSI_GROUP, CSI_GROUP_CONTENT, CSI_GROUP_CLASS})) {
            String groupVersion = kinds[0].getGroup() + "/" + kinds[0].getVersion();
            var list = new APIResourceListBuilder().withGroupVersion(groupVersion);
            for (ResourceDefinitionContext k : kinds) {
                list.addToResources(new APIResourceBuilder().withName(k.getPlural()).withKind(k.getKind())
                        .withNamespaced(k.isNamespaceScoped()).withVerbs("get", "list", "create", "delete").build());
            }
            var found = list.build();
            var notFound = new StatusBuilder().withStatus("Failure").withCode(404).withReason("NotFound")
                    .withMessage("the server could not find the requested resource").build();
            server.expect().get().withPath("/apis/" + groupVersion).andReply(new ResponseProvider<Object>() {
                private Headers headers = new Headers.Builder().build();

                @Override
                public Object getBody(RecordedRequest request) {
                    return installed.contains(groupVersion) ? found : notFound;
                }

                @Override
                public int getStatusCode(RecordedRequest request) {
                    return installed.contains(groupVersion) ? 200 : 404;
                }

                @Override
                public Headers getHeaders() {
                    return headers;
                }

                @Override
                public void setHeaders(Headers h) {
                    headers = h;
                }
            }).always();
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** The API server URL, for a kubeconfig or the CLI's --server. */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    // ---- what is installed

    public FakePxCluster withStork() {
        serve(STORK_SNAPSHOT);
        serve(STORK_GROUP);
        return this;
    }

    public FakePxCluster withCsi() {
        serve(CSI_SNAPSHOT, CSI_CONTENT, CSI_CLASS);
        serve(CSI_GROUP, CSI_GROUP_CONTENT, CSI_GROUP_CLASS);
        for (ResourceDefinitionContext c : List.of(CSI_CLASS, CSI_GROUP_CLASS)) {
            GenericKubernetesResource cls = new GenericKubernetesResource();
            cls.setApiVersion(c.getGroup() + "/" + c.getVersion());
            cls.setKind(c.getKind());
            cls.setMetadata(new ObjectMetaBuilder().withName("px-csi-snapclass").build());
            cls.setAdditionalProperty("driver", "pxd.portworx.com");
            cls.setAdditionalProperty("deletionPolicy", "Delete");
            client.genericKubernetesResources(c).resource(cls).create();
        }
        return this;
    }

    private void serve(ResourceDefinitionContext... kinds) {
        installed.add(kinds[0].getGroup() + "/" + kinds[0].getVersion());
    }

    /** The next request to {@code method path} is refused as RBAC would refuse it. */
    public void forbid(String method, String path, String verb, String resource, String namespace) {
        var status = new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
                .withMessage(resource + " is forbidden: User \"system:serviceaccount:jenkins:deployer\" cannot "
                        + verb + " resource \"" + resource + "\" in API group \"\" in the namespace \"" + namespace
                        + "\"").build();
        var expectation = switch (method) {
            case "POST" -> server.expect().post();
            case "DELETE" -> server.expect().delete();
            case "PATCH" -> server.expect().patch();
            default -> server.expect().get();
        };
        expectation.withPath(path).andReturn(403, status).always();
    }

    // ---- objects

    /** A bound Portworx CSI claim with its volume (handle {@code vol-NAME}). */
    public FakePxCluster portworxClaim(String namespace, String name, Map<String, String> labels) {
        return claim(namespace, name, labels, "pxd.portworx.com");
    }

    public FakePxCluster claim(String namespace, String name, Map<String, String> labels, String provisioner) {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-" + name)
                .endMetadata().withNewSpec().withNewCsi().withDriver(provisioner).withVolumeHandle("vol-" + name)
                .endCsi().endSpec().build()).create();
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).withLabels(labels)
                .addToAnnotations("volume.kubernetes.io/storage-provisioner", provisioner).endMetadata()
                .withNewSpec().withStorageClassName("px-db").withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("20Gi")).endResources()
                .withVolumeName("pv-" + name).endSpec()
                .withStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build()).build();
        client.persistentVolumeClaims().inNamespace(namespace).resource(claim).create();
        return this;
    }

    /** A claim without a provisioner annotation, of a storage class with this provisioner. */
    public FakePxCluster claimOfClass(String namespace, String name, String storageClass, String provisioner) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName(storageClass).endMetadata().withProvisioner(provisioner).build()).create();
        client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withStorageClassName(storageClass).withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("5Gi")).endResources().endSpec()
                .build()).create();
        return this;
    }

    /** A running pod of the application that mounts {@code claim}. */
    public FakePxCluster appPod(String namespace, String name, String claim) {
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().addNewContainer().withName("mongo")
                .withImage("mongo:7").endContainer().addNewVolume().withName("data").withNewPersistentVolumeClaim()
                .withClaimName(claim).endPersistentVolumeClaim().endVolume().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        return this;
    }

    /** A rolled-out staging Deployment whose volume {@code volume} mounts {@code claim}. */
    public FakePxCluster stagingDeployment(String namespace, String name, String volume, String claim) {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withGeneration(1L).endMetadata().withNewSpec().withReplicas(1).withNewTemplate().withNewSpec()
                .addNewContainer().withName("mongo").withImage("mongo:7").endContainer()
                .addNewVolume().withName(volume).withNewPersistentVolumeClaim().withClaimName(claim)
                .endPersistentVolumeClaim().endVolume().addNewVolume().withName("config").withNewConfigMap()
                .withName("mongo-conf").endConfigMap().endVolume().endSpec().endTemplate().endSpec()
                .withStatus(new DeploymentStatusBuilder().withObservedGeneration(1L).withReplicas(1)
                        .withUpdatedReplicas(1).withAvailableReplicas(1).withReadyReplicas(1).build()).build();
        client.apps().deployments().inNamespace(namespace).resource(d).create();
        workloadClaims.put("Deployment/" + namespace + "/" + name, claim);
        return this;
    }

    public FakePxCluster stagingStatefulSet(String namespace, String name, String volume, String claim) {
        StatefulSet s = new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withGeneration(1L).endMetadata().withNewSpec().withReplicas(1).withServiceName(name)
                .withNewTemplate().withNewSpec().addNewContainer().withName("mongo").withImage("mongo:7")
                .endContainer().addNewVolume().withName(volume).withNewPersistentVolumeClaim().withClaimName(claim)
                .endPersistentVolumeClaim().endVolume().endSpec().endTemplate().endSpec()
                .withStatus(new StatefulSetStatusBuilder().withObservedGeneration(1L).withReplicas(1)
                        .withUpdatedReplicas(1).withReadyReplicas(1).withCurrentRevision("r1")
                        .withUpdateRevision("r1").build()).build();
        client.apps().statefulSets().inNamespace(namespace).resource(s).create();
        workloadClaims.put("StatefulSet/" + namespace + "/" + name, claim);
        return this;
    }

    /** A snapshot object as an earlier build (or someone else) left it, ready. */
    public GenericKubernetesResource existingSnapshot(ResourceDefinitionContext kind, String namespace, String name,
                                                      Map<String, String> labels, String created) {
        GenericKubernetesResource s = new GenericKubernetesResource();
        s.setApiVersion(kind.getGroup() + "/" + kind.getVersion());
        s.setKind(kind.getKind());
        s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels)
                .withCreationTimestamp(created).build());
        s.setAdditionalProperty("spec", Map.of("persistentVolumeClaimName", "mongo-data"));
        s.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));
        return client.genericKubernetesResources(kind).inNamespace(namespace).resource(s).create();
    }

    // ---- controller behaviour

    public FakePxCluster snapshotsReadyAfter(int n) {
        behaviour = SnapshotBehaviour.READY;
        readyAfter = n;
        return this;
    }

    public FakePxCluster snapshotsFailAfter(int n, String message) {
        behaviour = SnapshotBehaviour.FAIL;
        readyAfter = n;
        failure = message;
        return this;
    }

    /** No controller runs: snapshots never get a status. */
    public FakePxCluster noSnapshotController() {
        behaviour = SnapshotBehaviour.SILENT;
        return this;
    }

    public FakePxCluster claimsBindAfter(int n) {
        bindAfter = n;
        return this;
    }

    public FakePxCluster rolloutsTake(int n) {
        rolloutAfter = n;
        return this;
    }

    public int ticks() {
        return ticks;
    }

    /** The controllers look at everything once. */
    public synchronized void tick() {
        ticks++;
        if (behaviour != SnapshotBehaviour.SILENT) {
            for (GenericKubernetesResource s : all(STORK_SNAPSHOT)) {
                if (Maps.at(s, "status") == null && due(s)) {
                    s.setAdditionalProperty("status", Map.of("conditions", List.of(behaviour == SnapshotBehaviour.FAIL
                            ? Map.of("type", "Error", "status", "True", "message", failure)
                            : Map.of("type", "Ready", "status", "True"))));
                    update(STORK_SNAPSHOT, s);
                }
            }
            for (GenericKubernetesResource g : all(STORK_GROUP)) {
                if (Maps.at(g, "status") == null && due(g)) {
                    storkGroup(g);
                }
            }
            for (GenericKubernetesResource s : all(CSI_SNAPSHOT)) {
                if (Maps.at(s, "status") == null && s.getMetadata().getOwnerReferences().isEmpty() && due(s)) {
                    s.setAdditionalProperty("status", behaviour == SnapshotBehaviour.FAIL
                            ? Map.of("error", Map.of("message", failure, "time", Instant.EPOCH.toString()))
                            : Map.of("readyToUse", true, "creationTime", "2026-11-24T10:00:00Z",
                                    "boundVolumeSnapshotContentName", "snapcontent-" + s.getMetadata().getName()));
                    update(CSI_SNAPSHOT, s);
                }
            }
            for (GenericKubernetesResource g : all(CSI_GROUP)) {
                if (Maps.at(g, "status") == null && due(g)) {
                    csiGroup(g);
                }
            }
        }
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
            if ((claim.getStatus() == null || claim.getStatus().getPhase() == null) && claim.getMetadata()
                    .getLabels() != null && claim.getMetadata().getLabels().containsKey(
                    "aws-delivery-stages.jenkins.io/snapshot") && due("PVC", claim.getMetadata().getNamespace(),
                    claim.getMetadata().getName(), bindAfter)) {
                claim.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
                client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim)
                        .update();
            }
        }
        for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
            rollDeployment(d);
        }
        for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            rollStatefulSet(s);
        }
    }

    private void storkGroup(GenericKubernetesResource g) {
        String ns = g.getMetadata().getNamespace();
        @SuppressWarnings("unchecked")
        Map<String, String> selector = (Map<String, String>) Maps.at(g, "spec", "pvcSelector", "matchLabels");
        List<Map<String, Object>> members = new ArrayList<>();
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(ns).withLabels(selector).list()
                .getItems()) {
            String name = g.getMetadata().getName() + "-" + claim.getMetadata().getName();
            Map<String, Object> condition = behaviour == SnapshotBehaviour.FAIL
                    ? Map.of("type", "Error", "status", "True", "message", failure)
                    : Map.of("type", "Ready", "status", "True");
            if (behaviour == SnapshotBehaviour.READY) {
                GenericKubernetesResource vs = new GenericKubernetesResource();
                vs.setApiVersion("volumesnapshot.external-storage.k8s.io/v1");
                vs.setKind("VolumeSnapshot");
                vs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
                vs.setAdditionalProperty("spec", Map.of("persistentVolumeClaimName", claim.getMetadata().getName()));
                vs.setAdditionalProperty("status", Map.of("conditions", List.of(condition)));
                client.genericKubernetesResources(STORK_SNAPSHOT).inNamespace(ns).resource(vs).create();
            }
            members.add(Map.of("VolumeSnapshotName", name, "ParentVolumeID", "vol-" + claim.getMetadata().getName(),
                    "Conditions", List.of(condition)));
        }
        g.setAdditionalProperty("status", Map.of("stage", "Final", "status",
                behaviour == SnapshotBehaviour.FAIL ? "Failed" : "Successful", "volumeSnapshots", members));
        update(STORK_GROUP, g);
    }

    private void csiGroup(GenericKubernetesResource g) {
        String ns = g.getMetadata().getNamespace();
        String group = g.getMetadata().getName();
        if (behaviour == SnapshotBehaviour.FAIL) {
            g.setAdditionalProperty("status", Map.of("error", Map.of("message", failure)));
            update(CSI_GROUP, g);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> selector = (Map<String, String>) Maps.at(g, "spec", "source", "selector", "matchLabels");
        List<Map<String, Object>> pairs = new ArrayList<>();
        int i = 0;
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(ns).withLabels(selector).list()
                .getItems()) {
            String member = "snapshot-" + group.hashCode() % 1000 + "-" + i++;
            String handle = "snap-" + claim.getMetadata().getName();
            pairs.add(Map.of("volumeHandle", "vol-" + claim.getMetadata().getName(), "snapshotHandle", handle));
            GenericKubernetesResource content = new GenericKubernetesResource();
            content.setApiVersion("snapshot.storage.k8s.io/v1");
            content.setKind("VolumeSnapshotContent");
            content.setMetadata(new ObjectMetaBuilder().withName("content-" + member).build());
            content.setAdditionalProperty("status", Map.of("snapshotHandle", handle, "readyToUse", true));
            client.genericKubernetesResources(CSI_CONTENT).resource(content).create();
            GenericKubernetesResource vs = new GenericKubernetesResource();
            vs.setApiVersion("snapshot.storage.k8s.io/v1");
            vs.setKind("VolumeSnapshot");
            vs.setMetadata(new ObjectMetaBuilder().withName(member).withNamespace(ns)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("groupsnapshot.storage.k8s.io/v1beta1")
                            .withKind("VolumeGroupSnapshot").withName(group).withUid("uid-" + group).build()).build());
            vs.setAdditionalProperty("spec", Map.of("source", Map.of("volumeSnapshotContentName", "content-" + member)));
            vs.setAdditionalProperty("status", Map.of("readyToUse", true, "boundVolumeSnapshotContentName",
                    "content-" + member, "volumeGroupSnapshotName", group));
            client.genericKubernetesResources(CSI_SNAPSHOT).inNamespace(ns).resource(vs).create();
        }
        GenericKubernetesResource content = new GenericKubernetesResource();
        content.setApiVersion("groupsnapshot.storage.k8s.io/v1beta1");
        content.setKind("VolumeGroupSnapshotContent");
        content.setMetadata(new ObjectMetaBuilder().withName("groupcontent-" + group).build());
        content.setAdditionalProperty("status", Map.of("readyToUse", true, "volumeSnapshotHandlePairList", pairs));
        client.genericKubernetesResources(CSI_GROUP_CONTENT).resource(content).create();
        g.setAdditionalProperty("status", Map.of("readyToUse", true, "creationTime", "2026-11-24T10:00:00Z",
                "boundVolumeGroupSnapshotContentName", "groupcontent-" + group));
        update(CSI_GROUP, g);
    }

    private void rollDeployment(Deployment d) {
        String key = "Deployment/" + d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
        String claim = claimOf(d.getSpec().getTemplate().getSpec().getVolumes());
        if (!Objects.equals(claim, workloadClaims.get(key))) {
            workloadClaims.put(key, claim);
            seen.put(key, 0);
            d.getMetadata().setGeneration(d.getMetadata().getGeneration() + 1);
            d.getStatus().setUpdatedReplicas(0);
            d.getStatus().setAvailableReplicas(0);
            client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).update();
        } else if (seen.containsKey(key) && seen.merge(key, 1, Integer::sum) >= rolloutAfter) {
            seen.remove(key);
            d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
            d.getStatus().setUpdatedReplicas(d.getSpec().getReplicas());
            d.getStatus().setAvailableReplicas(d.getSpec().getReplicas());
            client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).update();
        }
    }

    private void rollStatefulSet(StatefulSet s) {
        String key = "StatefulSet/" + s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        String claim = claimOf(s.getSpec().getTemplate().getSpec().getVolumes());
        if (!Objects.equals(claim, workloadClaims.get(key))) {
            workloadClaims.put(key, claim);
            seen.put(key, 0);
            s.getMetadata().setGeneration(s.getMetadata().getGeneration() + 1);
            s.getStatus().setUpdatedReplicas(0);
            s.getStatus().setUpdateRevision("r2");
            client.apps().statefulSets().inNamespace(s.getMetadata().getNamespace()).resource(s).update();
        } else if (seen.containsKey(key) && seen.merge(key, 1, Integer::sum) >= rolloutAfter) {
            seen.remove(key);
            s.getStatus().setObservedGeneration(s.getMetadata().getGeneration());
            s.getStatus().setUpdatedReplicas(s.getSpec().getReplicas());
            s.getStatus().setReadyReplicas(s.getSpec().getReplicas());
            s.getStatus().setCurrentRevision("r2");
            client.apps().statefulSets().inNamespace(s.getMetadata().getNamespace()).resource(s).update();
        }
    }

    private static String claimOf(List<io.fabric8.kubernetes.api.model.Volume> volumes) {
        return volumes.stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName()).findFirst().orElse(null);
    }

    private List<GenericKubernetesResource> all(ResourceDefinitionContext kind) {
        return client.genericKubernetesResources(kind).inAnyNamespace().list().getItems();
    }

    private void update(ResourceDefinitionContext kind, GenericKubernetesResource object) {
        client.genericKubernetesResources(kind).inNamespace(object.getMetadata().getNamespace()).resource(object)
                .update();
    }

    private boolean due(GenericKubernetesResource object) {
        return due(object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName(), readyAfter);
    }

    private boolean due(String kind, String namespace, String name, int after) {
        return seen.merge(kind + "/" + namespace + "/" + name, 1, Integer::sum) >= after;
    }

    private static ResourceDefinitionContext ctx(String group, String version, String kind, String plural,
                                                 boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    /**
     * Lets {@code sh -c COMMAND} run (exit 0) through pods/exec in this pod and container, for each command. Keep
     * commands to letters, digits and dashes: the expectation is matched on the request's exact query string.
     */
    public FakePxCluster runsCommands(String namespace, String pod, String container, String... commands) {
        for (String command : commands) {
            server.expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/" + pod
                            + "/exec?command=sh&command=-c&command=" + command + "&container=" + container
                            + "&stdout=true&stderr=true")
                    .andUpgradeToWebSocket().open(new OutputStreamMessage("ok\n"), new StatusStreamMessage(0))
                    .done().always();
        }
        return this;
    }

    /** The {@code sh -c} commands run through pods/exec so far, in order, as {@code pod: command}. */
    public synchronized List<String> commandsRun() throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/pods/([^/]+)/exec\\?command=sh&command=-c"
                    + "&command=([^&]+)").matcher(r.getPath());
            if (m.find()) {
                execs.add(m.group(1) + ": " + m.group(2));
            }
        }
        return new ArrayList<>(execs);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /** Labels as a modifiable map, for builders. */
    public static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
