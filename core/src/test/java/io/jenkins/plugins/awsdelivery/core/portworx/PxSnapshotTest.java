package io.jenkins.plugins.awsdelivery.core.portworx;

import static io.jenkins.plugins.awsdelivery.testing.FakePxCluster.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakePxCluster;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PxSnapshotTest {

    private static final String JOB = "shop/mongo-staging";
    private static final String FREEZE = "mongosh --eval 'db.fsyncLock()'";
    private static final String UNFREEZE = "mongosh --eval 'db.fsyncUnlock()'";

    private final TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final List<String> log = new ArrayList<>();
    private final RecordingExec exec = new RecordingExec();
    private FakePxCluster cluster;
    private int polls;

    @BeforeEach
    void start() {
        cluster = new FakePxCluster();
        cluster.portworxClaim("prod", "mongo-data", labels("app", "mongo"))
                .appPod("prod", "mongo-0", "mongo-data");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private PxSnapshotRequest.Builder request(int build) {
        return PxSnapshotRequest.builder("prod", JOB, build).pvc("mongo-data");
    }

    private PxSnapshotResult run(PxSnapshotRequest request) {
        PxSnapshot stage = new PxSnapshot(request, cluster.client(), exec, clock, StageLog.to(log::add));
        stage.start();
        BlockingWaiter waiter = new BlockingWaiter(new WaitEngine(stage.waitPolicy(), new Random(7)), clock, d -> {
            clock.advance(d);
            cluster.tick();
        });
        return stage.result(waiter.await(stage.startWait(), () -> {
            polls++;
            return stage.pollOnce();
        }, s -> { }));
    }

    private List<GenericKubernetesResource> all(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
                                                String ns) {
        return cluster.client().genericKubernetesResources(kind).inNamespace(ns).list().getItems();
    }

    private PersistentVolumeClaim claim(String ns, String name) {
        return cluster.client().persistentVolumeClaims().inNamespace(ns).withName(name).get();
    }

    // ---- Stork

    @Test
    void storkSnapshotOfOneClaimIsReadyAfterThreePollsAndLabelledForThisJobAndBuild() {
        cluster.withStork().snapshotsReadyAfter(3);

        PxSnapshotResult r = run(request(12).build());

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.method()).isEqualTo(SnapshotMethod.STORK);
        assertThat(r.snapshot()).isEqualTo("px-shop-mongo-staging-b12-mongo-data");
        assertThat(polls).isEqualTo(4);
        assertThat(r.readyAfter()).isPositive();
        assertThat(r.toMap()).containsEntry("status", "COMPLETED").containsEntry("method", "stork")
                .containsEntry("snapshot", "px-shop-mongo-staging-b12-mongo-data");
        GenericKubernetesResource vs = all(FakePxCluster.STORK_SNAPSHOT, "prod").get(0);
        assertThat(Maps.at(vs, "spec", "persistentVolumeClaimName")).isEqualTo("mongo-data");
        assertThat(vs.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "aws-delivery-stages")
                .containsEntry("aws-delivery-stages.jenkins.io/job", "shop-mongo-staging")
                .containsEntry("aws-delivery-stages.jenkins.io/build", "12");
        assertThat(log).anyMatch(l -> l.contains("Using Stork snapshots (method auto"));
    }

    @Test
    void storkRulesGoOnTheSnapshotAsAnnotations() {
        cluster.withStork();

        run(request(1).method(SnapshotMethod.STORK).rules("mongo-presnap", "mongo-postsnap").build());

        GenericKubernetesResource vs = all(FakePxCluster.STORK_SNAPSHOT, "prod").get(0);
        assertThat(vs.getMetadata().getAnnotations())
                .containsEntry("stork.libopenstorage.org/pre-snapshot-rule", "mongo-presnap")
                .containsEntry("stork.libopenstorage.org/post-snapshot-rule", "mongo-postsnap");
    }

    @Test
    void storkGroupSnapshotOfSelectedClaimsRestoresEveryMemberIntoStaging() {
        cluster.withStork().portworxClaim("prod", "mongo-journal", labels("app", "mongo"));

        PxSnapshotResult r = run(PxSnapshotRequest.builder("prod", JOB, 5).pvcSelector(Map.of("app", "mongo"))
                .restoreTo("staging").build());

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.group()).isTrue();
        assertThat(r.members()).extracting(SnapshotLook.Member::sourceClaim)
                .containsExactlyInAnyOrder("mongo-data", "mongo-journal");
        GenericKubernetesResource group = all(FakePxCluster.STORK_GROUP, "prod").get(0);
        assertThat(Maps.at(group, "spec", "pvcSelector", "matchLabels")).isEqualTo(Map.of("app", "mongo"));
        assertThat(Maps.at(group, "spec", "restoreNamespaces")).isEqualTo(List.of("staging"));
        assertThat(r.restoredClaims()).containsExactlyInAnyOrder("px-shop-mongo-staging-b5-mongo-data",
                "px-shop-mongo-staging-b5-mongo-journal");
        PersistentVolumeClaim restored = claim("staging", "px-shop-mongo-staging-b5-mongo-journal");
        assertThat(restored.getStatus().getPhase()).isEqualTo("Bound");
        assertThat(restored.getMetadata().getAnnotations())
                .containsEntry("snapshot.alpha.kubernetes.io/snapshot", group.getMetadata().getName() + "-mongo-journal");
    }

    @Test
    void storkRestoreIntoTheSameNamespaceUsesTheStorkClassWithoutSourceNamespace() {
        cluster.withStork();

        PxSnapshotResult r = run(request(3).restoreTo("prod").restoredClaim("mongo-data-copy").build());

        assertThat(r.restoredClaim()).isEqualTo("mongo-data-copy");
        PersistentVolumeClaim restored = claim("prod", "mongo-data-copy");
        assertThat(restored.getSpec().getStorageClassName()).isEqualTo("stork-snapshot-sc");
        assertThat(restored.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("20Gi");
        assertThat(restored.getMetadata().getAnnotations())
                .containsEntry("snapshot.alpha.kubernetes.io/snapshot", r.snapshot())
                .doesNotContainKey("stork.libopenstorage.org/snapshot-source-namespace");
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod").get(0).getMetadata().getAnnotations())
                .doesNotContainKey("stork.libopenstorage.org/snapshot-restore-namespaces");
    }

    @Test
    void storkRestoreIntoAnotherNamespaceAnnotatesBothSides() {
        cluster.withStork().claimsBindAfter(2);

        PxSnapshotResult r = run(request(3).restoreTo("staging").build());

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.restoreNamespace()).isEqualTo("staging");
        PersistentVolumeClaim restored = claim("staging", r.restoredClaim());
        assertThat(restored.getMetadata().getAnnotations())
                .containsEntry("stork.libopenstorage.org/snapshot-source-namespace", "prod");
        assertThat(restored.getMetadata().getLabels()).containsEntry("aws-delivery-stages.jenkins.io/snapshot",
                r.snapshot());
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod").get(0).getMetadata().getAnnotations())
                .containsEntry("stork.libopenstorage.org/snapshot-restore-namespaces", "staging");
    }

    // ---- CSI

    @Test
    void csiSnapshotUsesThePortworxSnapshotClassAndRestoresWithADataSource() {
        cluster.withCsi().snapshotsReadyAfter(2);

        PxSnapshotResult r = run(request(8).restoreTo("prod").build());

        assertThat(r.method()).isEqualTo(SnapshotMethod.CSI);
        assertThat(log).anyMatch(l -> l.contains("Using CSI snapshots (method auto: Stork is not installed"));
        GenericKubernetesResource vs = all(FakePxCluster.CSI_SNAPSHOT, "prod").get(0);
        assertThat(Maps.at(vs, "spec", "volumeSnapshotClassName")).isEqualTo("px-csi-snapclass");
        assertThat(Maps.at(vs, "spec", "source", "persistentVolumeClaimName")).isEqualTo("mongo-data");
        PersistentVolumeClaim restored = claim("prod", r.restoredClaim());
        assertThat(restored.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
        assertThat(restored.getSpec().getDataSource().getName()).isEqualTo(r.snapshot());
        assertThat(restored.getSpec().getStorageClassName()).isEqualTo("px-db");
    }

    @Test
    void csiRestoreIntoAnotherNamespaceNamesTheSnapshotNamespace() {
        cluster.withCsi();

        PxSnapshotResult r = run(request(8).method(SnapshotMethod.CSI).restoreTo("staging").build());

        PersistentVolumeClaim restored = claim("staging", r.restoredClaim());
        assertThat(restored.getSpec().getDataSourceRef().getNamespace()).isEqualTo("prod");
        assertThat(restored.getSpec().getDataSourceRef().getName()).isEqualTo(r.snapshot());
    }

    @Test
    void csiGroupSnapshotMapsEachVolumeSnapshotBackToItsClaim() {
        cluster.withCsi().portworxClaim("prod", "mongo-journal", labels("app", "mongo"));

        PxSnapshotResult r = run(PxSnapshotRequest.builder("prod", JOB, 9).pvcSelector(Map.of("app", "mongo"))
                .method(SnapshotMethod.CSI).restoreTo("prod").build());

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        GenericKubernetesResource group = all(FakePxCluster.CSI_GROUP, "prod").get(0);
        assertThat(Maps.at(group, "spec", "volumeGroupSnapshotClassName")).isEqualTo("px-csi-snapclass");
        assertThat(r.members()).extracting(SnapshotLook.Member::sourceClaim)
                .containsExactlyInAnyOrder("mongo-data", "mongo-journal");
        SnapshotLook.Member journal = r.members().stream().filter(m -> m.sourceClaim().equals("mongo-journal"))
                .findFirst().orElseThrow();
        assertThat(claim("prod", "px-shop-mongo-staging-b9-mongo-journal").getSpec().getDataSource().getName())
                .isEqualTo(journal.snapshot());
    }

    // ---- freeze

    @Test
    void freezeRunsBeforeTheSnapshotAndUnfreezeAsSoonAsItIsTaken() {
        cluster.withStork().snapshotsReadyAfter(2);

        PxSnapshotResult r = run(request(2).freeze(FREEZE, UNFREEZE).build());

        assertThat(exec.calls).containsExactly("prod/mongo-0/mongo: " + FREEZE, "prod/mongo-0/mongo: " + UNFREEZE);
        assertThat(r.frozenFor()).isPositive();
        assertThat(r.frozenFor()).isLessThanOrEqualTo(r.readyAfter());
        assertThat(r.toMap().get("frozenMillis")).isEqualTo(r.frozenFor().toMillis());
    }

    @Test
    void unfreezeRunsAfterAFailedSnapshotAndTheControllersMessageIsTheReason() {
        cluster.withStork().snapshotsFailAfter(2, "Failed to create snapshot: pool 0 is out of space");

        PxSnapshotResult r = run(request(2).freeze(FREEZE, UNFREEZE).build());

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.reason()).contains("failed: Failed to create snapshot: pool 0 is out of space");
        assertThat(exec.calls).hasSize(2).last().asString().contains(UNFREEZE);
        assertThat(r.cleanedUp()).containsExactly("VolumeSnapshot/prod/" + r.snapshot());
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).isEmpty();
    }

    @Test
    void csiControllerErrorFailsWithItsMessageAndKeepOnFailureKeepsTheSnapshot() {
        cluster.withCsi().snapshotsFailAfter(1, "rpc error: code = Internal desc = volume is not attached");

        PxSnapshotResult r = run(request(4).keepOnFailure(true).build());

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.reason()).endsWith("rpc error: code = Internal desc = volume is not attached");
        assertThat(all(FakePxCluster.CSI_SNAPSHOT, "prod")).hasSize(1);
    }

    @Test
    void aFailingFreezeCommandIsUndoneAndNothingIsCreated() {
        cluster.withStork();
        exec.failing = "fsyncLock";

        assertThatThrownBy(() -> run(request(2).freeze(FREEZE, UNFREEZE).build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("freeze command exited with 1").hasMessageContaining("not authorized");
        assertThat(exec.calls).hasSize(2).last().asString().contains(UNFREEZE);
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).isEmpty();
    }

    @Test
    void anAbortWhileFrozenUnfreezesFirstThenDeletesTheSnapshot() {
        cluster.withStork().noSnapshotController();
        PxSnapshot stage = new PxSnapshot(request(7).freeze(FREEZE, UNFREEZE).build(), cluster.client(), exec, clock,
                StageLog.to(log::add));
        stage.start();
        assertThat(exec.calls).containsExactly("prod/mongo-0/mongo: " + FREEZE);

        List<String> deleted = stage.aborted();

        assertThat(exec.calls).containsExactly("prod/mongo-0/mongo: " + FREEZE, "prod/mongo-0/mongo: " + UNFREEZE);
        assertThat(deleted).containsExactly("VolumeSnapshot/prod/" + stage.progress().snapshot());
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).isEmpty();
        assertThat(stage.aborted()).as("a second abort changes nothing").isEmpty();
        assertThat(exec.calls).hasSize(2);
    }

    @Test
    void throughTheKubernetesApiAnAbortRunsTheUnfreezeCommandInThePod() throws Exception {
        cluster.withStork().noSnapshotController().runsCommands("prod", "mongo-0", "mongo", "freeze-app",
                "unfreeze-app");
        PxSnapshot stage = new PxSnapshot(request(10).freeze("freeze-app", "unfreeze-app").build(), cluster.client(),
                new FabricPodExec(cluster.client()), clock, StageLog.to(log::add));
        stage.start();
        assertThat(cluster.commandsRun()).containsExactly("mongo-0: freeze-app");

        stage.aborted();

        assertThat(cluster.commandsRun()).containsExactly("mongo-0: freeze-app", "mongo-0: unfreeze-app");
    }

    @Test
    void aFailingUnfreezeAfterAnAbortIsLoggedAndTheDeletionsStillRun() {
        cluster.withStork().noSnapshotController();
        PxSnapshot stage = new PxSnapshot(request(8).freeze(FREEZE, UNFREEZE).build(), cluster.client(), exec, clock,
                StageLog.to(log::add));
        stage.start();
        exec.failing = "fsyncUnlock";

        List<String> deleted = stage.aborted();

        assertThat(log).anySatisfy(l -> assertThat(l).contains("Could not unfreeze the application after the abort"));
        assertThat(deleted).hasSize(1);
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).isEmpty();
    }

    @Test
    void startCheckpointsBeforeTheFreezeAndAfterTheSnapshotIsCreated() {
        cluster.withStork().noSnapshotController();
        PxSnapshot stage = new PxSnapshot(request(9).freeze(FREEZE, UNFREEZE).build(), cluster.client(), exec, clock,
                StageLog.to(log::add));
        List<String> seen = new ArrayList<>();

        stage.start(() -> seen.add(exec.calls.size() + " commands, created " + stage.progress().snapshot()
                + " " + !all(FakePxCluster.STORK_SNAPSHOT, "prod").isEmpty()));

        assertThat(seen).containsExactly("0 commands, created " + stage.progress().snapshot() + " false",
                "1 commands, created " + stage.progress().snapshot() + " true");
    }

    // ---- waits

    @Test
    void timeoutWithoutAnyControllerSaysSoUnfreezesAndCleansUp() {
        cluster.withStork().noSnapshotController();

        PxSnapshotResult r = run(request(6).freeze(FREEZE, UNFREEZE).timeout(Duration.ofMinutes(1)).build());

        assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(r.reason()).contains("Timed out after 1m").contains("no snapshot controller reported")
                .contains("Stork runs");
        assertThat(exec.calls).last().asString().contains(UNFREEZE);
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).isEmpty();
        assertThat(clock.instant()).isBeforeOrEqualTo(Instant.parse("2026-11-24T10:01:00Z"));
    }

    @Test
    void stagingDeploymentIsRepointedAtTheRestoredClaimAndItsRolloutAwaited() {
        cluster.withStork().rolloutsTake(3).stagingDeployment("staging", "mongo", "data", "mongo-seed");

        PxSnapshotResult r = run(request(21).restoreTo("staging").staging("deployment/mongo", null).build());

        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.rollout()).startsWith("rolled out: 1/1 updated");
        var d = cluster.client().apps().deployments().inNamespace("staging").withName("mongo").get();
        assertThat(d.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo(r.restoredClaim());
        assertThat(r.toMap()).containsEntry("rollout", r.rollout());
    }

    @Test
    void stagingStatefulSetRolloutIsAwaited() {
        cluster.withStork().stagingStatefulSet("staging", "mongo", "data", "mongo-seed");

        PxSnapshotResult r = run(request(21).restoreTo("staging").staging("statefulset/mongo", "data").build());

        assertThat(r.rollout()).startsWith("rolled out");
        var s = cluster.client().apps().statefulSets().inNamespace("staging").withName("mongo").get();
        assertThat(s.getStatus().getCurrentRevision()).isEqualTo("r2");
    }

    @Test
    void aStagingRolloutThatNeverEndsTimesOut() {
        cluster.withStork().rolloutsTake(10_000).stagingDeployment("staging", "mongo", "data", "mongo-seed");

        PxSnapshotResult r = run(request(21).restoreTo("staging").staging("deployment/mongo", null)
                .timeout(Duration.ofMinutes(2)).build());

        assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(r.reason()).contains("did not finish its rollout");
    }

    // ---- names, re-runs and retention

    @Test
    void aSecondAttemptOfTheSameBuildFindsItsOwnObjectsAndMakesNoMore() {
        cluster.withStork();
        PxSnapshotResult first = run(request(30).restoreTo("staging").build());
        exec.calls.clear();

        PxSnapshotResult again = run(request(30).restoreTo("staging").freeze(FREEZE, UNFREEZE).build());

        assertThat(again.status()).isEqualTo(Status.COMPLETED);
        assertThat(again.reused()).isTrue();
        assertThat(again.snapshot()).isEqualTo(first.snapshot());
        assertThat(again.restoredClaim()).isEqualTo(first.restoredClaim());
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).hasSize(1);
        assertThat(cluster.client().persistentVolumeClaims().inNamespace("staging").list().getItems()).hasSize(1);
        assertThat(exec.calls).as("an existing snapshot is not frozen for again").isEmpty();
        assertThat(log).anyMatch(l -> l.contains("from an earlier attempt of this build"));
    }

    @Test
    void retentionDeletesOnlyThisJobsOlderSnapshotsOfTheSameSourceAndTheirClaims() {
        cluster.withStork();
        run(request(1).restoreTo("staging").build());
        run(request(2).restoreTo("staging").build());
        PxNames otherJob = new PxNames(PxSnapshotRequest.builder("prod", "other/job", 1).pvc("mongo-data").build());
        cluster.existingSnapshot(FakePxCluster.STORK_SNAPSHOT, "prod", "px-other-job-b1-mongo-data",
                otherJob.labels(), "2026-01-01T00:00:00Z");
        cluster.existingSnapshot(FakePxCluster.STORK_SNAPSHOT, "prod", "nightly-by-hand", Map.of(),
                "2026-01-01T00:00:00Z");

        PxSnapshotResult r = run(request(3).restoreTo("staging").retain(2, true).build());

        assertThat(r.deletedByRetention()).containsExactlyInAnyOrder(
                "VolumeSnapshot/prod/px-shop-mongo-staging-b1-mongo-data",
                "PersistentVolumeClaim/staging/px-shop-mongo-staging-b1-mongo-data");
        assertThat(all(FakePxCluster.STORK_SNAPSHOT, "prod")).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("px-shop-mongo-staging-b2-mongo-data",
                        "px-shop-mongo-staging-b3-mongo-data", "px-other-job-b1-mongo-data", "nightly-by-hand");
        assertThat(cluster.client().persistentVolumeClaims().inNamespace("staging").list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactlyInAnyOrder(
                        "px-shop-mongo-staging-b2-mongo-data", "px-shop-mongo-staging-b3-mongo-data");
    }

    @Test
    void aNameTakenByAnotherObjectIsNotReused() {
        cluster.withStork().existingSnapshot(FakePxCluster.STORK_SNAPSHOT, "prod",
                "px-shop-mongo-staging-b4-mongo-data", Map.of("team", "dba"), "2026-01-01T00:00:00Z");

        assertThatThrownBy(() -> run(request(4).build())).isInstanceOf(StageException.class)
                .hasMessageContaining("already exists").hasMessageContaining("not made by build 4");
    }

    // ---- clear errors

    @Test
    void claimNotFound() {
        cluster.withStork();

        assertThatThrownBy(() -> run(PxSnapshotRequest.builder("prod", JOB, 1).pvc("mongo-dta").build()))
                .isInstanceOf(StageException.class)
                .hasMessage("PersistentVolumeClaim 'mongo-dta' not found in namespace 'prod'.")
                .extracting(e -> ((StageException) e).kind()).isEqualTo(StageException.Kind.INVALID_INPUT);
    }

    @Test
    void claimNotBackedByPortworxNamesItsProvisioner() {
        cluster.withStork().claim("prod", "ebs-data", Map.of(), "ebs.csi.aws.com");

        assertThatThrownBy(() -> run(PxSnapshotRequest.builder("prod", JOB, 1).pvc("ebs-data").build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("'ebs-data' in namespace 'prod' is not a Portworx volume")
                .hasMessageContaining("'ebs.csi.aws.com'");
    }

    @Test
    void claimProvisionerIsReadFromItsStorageClassWhenNotAnnotated() {
        cluster.withStork().claimOfClass("prod", "gp3-data", "gp3", "ebs.csi.aws.com");

        assertThatThrownBy(() -> run(PxSnapshotRequest.builder("prod", JOB, 1).pvc("gp3-data").build()))
                .hasMessageContaining("its provisioner is 'ebs.csi.aws.com'");
    }

    @Test
    void noSnapshotApiInstalledNamesWhatToInstall() {
        assertThatThrownBy(() -> run(request(1).build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("neither Stork's VolumeSnapshot API (volumesnapshot.external-storage.k8s.io/v1)")
                .hasMessageContaining("the CSI VolumeSnapshot API (snapshot.storage.k8s.io/v1)")
                .satisfies(e -> assertThat(((StageException) e).hint()).contains("Install Stork")
                        .contains("external-snapshotter"));
    }

    @Test
    void storkAskedForButMissingNamesStork() {
        cluster.withCsi();

        assertThatThrownBy(() -> run(request(1).method(SnapshotMethod.STORK).build()))
                .hasMessageContaining("does not serve Stork's VolumeSnapshot API");
    }

    @Test
    void rbacForbiddenNamesVerbResourceAndNamespace() {
        cluster.withCsi();
        cluster.forbid("POST", "/apis/snapshot.storage.k8s.io/v1/namespaces/prod/volumesnapshots", "create",
                "volumesnapshots", "prod");

        assertThatThrownBy(() -> run(request(1).build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("Kubernetes RBAC forbids 'create' on 'volumesnapshots.snapshot.storage.k8s.io' "
                        + "in namespace 'prod'")
                .satisfies(e -> assertThat(((StageException) e).hint())
                        .contains("Grant the verb 'create' on 'volumesnapshots.snapshot.storage.k8s.io'"));
    }

    @Test
    void rbacForbiddenOnReadingTheClaim() {
        cluster.withStork();
        cluster.forbid("GET", "/api/v1/namespaces/prod/persistentvolumeclaims/mongo-data", "get",
                "persistentvolumeclaims", "prod");

        assertThatThrownBy(() -> run(request(1).build()))
                .hasMessageContaining("forbids 'get' on 'persistentvolumeclaims' in namespace 'prod'");
    }

    @Test
    void invalidInputIsRefusedBeforeAnythingHappens() {
        assertThatThrownBy(() -> PxSnapshotRequest.builder("prod", JOB, 1).build())
                .hasMessage("No claim to snapshot was given.");
        assertThatThrownBy(() -> request(1).method(SnapshotMethod.CSI).rules("pre", null).build())
                .hasMessageContaining("Stork snapshot rules were given with method 'csi'");
        assertThatThrownBy(() -> request(1).freeze(FREEZE, null).build())
                .hasMessageContaining("freezeCommand was given without unfreezeCommand");
        assertThatThrownBy(() -> request(1).staging("deployment/mongo", null).build())
                .hasMessageContaining("stagingWorkload was given without restoreTo");
        assertThatThrownBy(() -> PxSnapshotRequest.builder("Prod_NS", JOB, 1).pvc("x").build())
                .hasMessageContaining("not a valid Kubernetes namespace name");
    }

    @Test
    void longJobNamesGiveValidNamesAndLabels() {
        PxNames names = new PxNames(PxSnapshotRequest.builder("prod",
                "Platform Team/Very long folder name/And a very long pipeline name for staging data", 123456)
                .pvc("mongo-data-with-a-long-name").build());

        assertThat(names.snapshot()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(names.labels().values()).allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63)
                .matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"));
        assertThat(names.snapshot()).isEqualTo(new PxNames(PxSnapshotRequest.builder("prod",
                "Platform Team/Very long folder name/And a very long pipeline name for staging data", 123456)
                .pvc("mongo-data-with-a-long-name").build()).snapshot());
    }
}
