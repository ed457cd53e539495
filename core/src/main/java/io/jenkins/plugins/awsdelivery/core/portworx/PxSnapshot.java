package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesReachability;
import io.jenkins.plugins.awsdelivery.core.portworx.PxProgress.Phase;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitDecision;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A writable snapshot of production Portworx volumes, restored as staging claims. {@link #start()} validates the
 * claims, freezes the application and creates the snapshot; {@link #pollOnce()} is one look at whatever is awaited
 * (the snapshot, the restored claims, the staging rollout), for the CLI's blocking loop and the Jenkins step's timer
 * alike; {@link #timedOut()} ends a wait that ran out of time. {@link #progress()} is all there is to persist.
 */
public final class PxSnapshot {

    /** Provisioners of Portworx volumes: the in-tree plugin, the CSI driver, and Stork's snapshot restores. */
    static final Set<String> PORTWORX_PROVISIONERS = Set.of("kubernetes.io/portworx-volume", CsiSnapshots.DRIVER,
            "stork-snapshot");

    private final PxSnapshotRequest request;
    private final KubernetesClient client;
    private final PodExec exec;
    private final Clock clock;
    private final StageLog log;
    private final PxNames names;
    private final PxProgress progress;
    private SnapshotApi api;

    public PxSnapshot(PxSnapshotRequest request, KubernetesClient client, PodExec exec, Clock clock, StageLog log) {
        this(request, client, exec, clock, log, null);
    }

    /** Resumes a run started earlier (after a controller restart) from its persisted progress. */
    public PxSnapshot(PxSnapshotRequest request, KubernetesClient client, PodExec exec, Clock clock, StageLog log,
                      PxProgress started) {
        this.request = request;
        this.client = client;
        this.exec = exec;
        this.clock = clock;
        this.log = log;
        this.names = new PxNames(request);
        this.progress = started == null ? new PxProgress() : started;
    }

    public PxProgress progress() {
        return progress;
    }

    public WaitPolicy waitPolicy() {
        return request.waitPolicy();
    }

    public WaitState startWait() {
        return WaitState.start("snapshot " + progress.snapshot + " of " + source(), progress.startedAt,
                request.timeout());
    }

    /**
     * Validates the source claims, freezes the application when asked to and creates the snapshot; or finds the
     * snapshot an earlier attempt of the same build made. Nothing is created when validation fails.
     */
    public PxProgress start() {
        return start(() -> { });
    }

    /**
     * As {@link #start()}, calling {@code checkpoint} when {@link #progress()} holds something a restart must not
     * lose: the application about to be frozen (so a resumed step still unfreezes it) and the snapshot created.
     */
    public PxProgress start(Runnable checkpoint) {
        progress.startedAt = clock.instant();
        // A server that is not there fails here, within the stage's timeout, naming the URL and the cause.
        KubernetesReachability.check(client, request.timeout());
        api = resolveApi();
        progress.method = api.method();
        List<PersistentVolumeClaim> claims = sourceClaims();
        String name = names.snapshot();
        progress.snapshot = name;
        GenericKubernetesResource existing = api.find(name);
        if (existing != null) {
            if (!names.madeByThisBuild(existing.getMetadata().getLabels())) {
                throw StageException.invalidInput(existing.getKind() + " '" + name + "' already exists in namespace '"
                        + request.namespace() + "' and was not made by build " + request.build() + " of "
                        + request.job() + ".", "Delete it, or check that no other job uses the same job name.");
            }
            progress.reused = true;
            progress.created.add(existing.getKind() + "/" + request.namespace() + "/" + name);
            log.info("Found %s %s from an earlier attempt of this build; not taking another.", existing.getKind(),
                    name);
            return progress;
        }
        ApplicationFreeze freeze = freeze();
        if (freeze != null) {
            ApplicationFreeze.Target target = freeze.target(claims.get(0).getMetadata().getName());
            progress.freezeTarget = target;
            progress.frozenAt = clock.instant();
            checkpoint.run();
            try {
                freeze.freeze(target);
            } catch (RuntimeException e) {
                releaseFreeze();
                throw e;
            }
        }
        try {
            GenericKubernetesResource created = api.create(name, names.labels(), names.annotations(), claims);
            progress.created.add(created.getKind() + "/" + request.namespace() + "/" + name);
            log.info("Created %s %s of %s (%s)%s.", created.getKind(), name, source(), api.method().label(),
                    freeze == null ? "" : "; the application stays frozen until it is taken");
            checkpoint.run();
        } catch (RuntimeException e) {
            releaseFreeze();
            throw e;
        }
        return progress;
    }

    /** One look at what is awaited. On an error the application is unfrozen and this run's objects cleaned up. */
    public PollOutcome<PxSnapshotResult> pollOnce() {
        try {
            PollOutcome<PxSnapshotResult> outcome = switch (progress.phase) {
                case SNAPSHOT -> lookAtSnapshot();
                case RESTORE -> lookAtClaims();
                case ROLLOUT -> lookAtRollout();
                case DONE -> PollOutcome.done(result(Status.COMPLETED, "Done.", List.of(), List.of()));
            };
            if (outcome instanceof PollOutcome.KeepWaiting<PxSnapshotResult> w) {
                progress.lastStatus = w.status();
            }
            return outcome;
        } catch (StageException e) {
            releaseFreeze();
            cleanUp();
            throw e;
        }
    }

    /** The result when the wait ran out of time: the application unfrozen, this run's objects cleaned up. */
    public PxSnapshotResult timedOut() {
        releaseFreeze();
        String waitedFor = switch (progress.phase) {
            case SNAPSHOT -> progress.controllerReported
                    ? "snapshot " + progress.snapshot + " was not ready (" + progress.lastStatus + ")"
                    : "no snapshot controller reported on snapshot " + progress.snapshot + ". Check that "
                            + (progress.method == SnapshotMethod.STORK ? "Stork runs in the cluster"
                            : "the CSI snapshot-controller and the Portworx CSI driver run in the cluster");
            case RESTORE -> "restored claims " + progress.restoredClaims + " were not Bound (" + progress.lastStatus
                    + ")";
            case ROLLOUT -> "staging " + request.stagingWorkload() + " did not finish its rollout ("
                    + progress.lastStatus + ")";
            case DONE -> "nothing";
        };
        return result(Status.TIMED_OUT, "Timed out after " + DurationText.format(request.timeout()) + ": "
                + waitedFor + ".", List.of(), cleanUp());
    }

    /**
     * After an abort: lets the application write again first, then deletes what this run created (unless the
     * request keeps it). Never throws: every failure is logged, and the unfreeze failing does not stop the
     * deletions.
     *
     * @return what was deleted
     */
    public List<String> aborted() {
        try {
            releaseFreeze();
        } catch (RuntimeException e) {
            log.warn("Could not unfreeze the application after the abort: %s",
                    e instanceof StageException se ? se.describe() : e.toString());
        }
        try {
            return cleanUp();
        } catch (RuntimeException e) {
            log.warn("Could not clean up after the abort: %s",
                    e instanceof StageException se ? se.describe() : e.toString());
            return List.of();
        }
    }

    /** The result a finished wait stands for. */
    public PxSnapshotResult result(WaitDecision<PxSnapshotResult> decision) {
        if (decision instanceof WaitDecision.Finished<PxSnapshotResult> f) {
            if (f.outcome() instanceof PollOutcome.Done<PxSnapshotResult> done) {
                return done.value();
            }
            if (f.outcome() instanceof PollOutcome.Failed<PxSnapshotResult> failed) {
                return failed.value();
            }
        }
        return timedOut();
    }

    /** Starts and follows the stage to its end in the calling thread: for the CLI and freestyle builds. */
    public PxSnapshotResult run(BlockingWaiter waiter) {
        start();
        return result(waiter.await(startWait(), this::pollOnce, s -> { }));
    }

    private PollOutcome<PxSnapshotResult> lookAtSnapshot() {
        GenericKubernetesResource snapshot = api().find(progress.snapshot);
        if (snapshot == null) {
            releaseFreeze();
            return failed("Snapshot " + progress.snapshot + " was deleted while it was awaited.");
        }
        SnapshotLook look = api().look(snapshot);
        progress.controllerReported |= look.reported();
        if (look.settled()) {
            releaseFreeze();
        }
        switch (look.state()) {
            case FAILED:
                return failed("Snapshot " + progress.snapshot + " of " + source() + " failed: " + look.message());
            case READY:
                break;
            default:
                return PollOutcome.waiting("snapshot " + look.message());
        }
        progress.readyAt = clock.instant();
        progress.members = new ArrayList<>(api().members(snapshot, sourceClaims()));
        log.info("Snapshot %s is ready after %s: %s.", progress.snapshot,
                DurationText.format(Duration.between(progress.startedAt, progress.readyAt)),
                progress.members.stream().map(m -> m.snapshot() + " of " + m.sourceClaim()).toList());
        if (request.restoreTo() == null) {
            return finish();
        }
        restore();
        progress.phase = Phase.RESTORE;
        return PollOutcome.progressed("restoring " + progress.restoredClaims);
    }

    private void restore() {
        String ns = request.restoreTo();
        for (SnapshotLook.Member member : progress.members) {
            if (member.sourceClaim() == null) {
                throw new StageException(StageException.Kind.KUBERNETES, "Volume snapshot " + member.snapshot()
                        + " of " + progress.snapshot + " does not say which claim it was taken of.",
                        "Look at the snapshot with kubectl describe.");
            }
            PersistentVolumeClaim source = claim(member.sourceClaim());
            String name = names.restoredClaim(member.sourceClaim());
            Map<String, String> labels = new LinkedHashMap<>(names.labels());
            labels.put(PxNames.SNAPSHOT, progress.snapshot);
            PersistentVolumeClaim existing = KubernetesCalls.call("get", "persistentvolumeclaims", ns,
                    () -> client.persistentVolumeClaims().inNamespace(ns).withName(name).get());
            if (existing != null) {
                if (!names.madeByThisBuild(existing.getMetadata().getLabels())) {
                    throw StageException.invalidInput("Claim '" + name + "' already exists in namespace '" + ns
                            + "' and was not restored by this build.", "Delete it, or give another restoredClaim.");
                }
                log.info("Found restored claim %s/%s from an earlier attempt of this build.", ns, name);
            } else {
                PersistentVolumeClaim claim = api().restoredClaim(member, source, ns, name, labels,
                        names.annotations());
                KubernetesCalls.call("create", "persistentvolumeclaims", ns,
                        () -> client.persistentVolumeClaims().inNamespace(ns).resource(claim).create());
                log.info("Restoring %s into claim %s/%s.", member.snapshot(), ns, name);
            }
            progress.created.add("PersistentVolumeClaim/" + ns + "/" + name);
            progress.restoredClaims.add(name);
        }
        if (request.stagingWorkload() != null) {
            // Repointed before the claim binds: with WaitForFirstConsumer binding only the workload's pod binds it.
            StagingWorkload workload = new StagingWorkload(client, request);
            progress.workloadGeneration = workload.repoint(progress.restoredClaims.get(0));
            log.info("Pointed staging %s at claim %s.", workload.describe(), progress.restoredClaims.get(0));
        }
    }

    private PollOutcome<PxSnapshotResult> lookAtClaims() {
        String ns = request.restoreTo();
        List<String> pending = new ArrayList<>();
        for (String name : progress.restoredClaims) {
            PersistentVolumeClaim claim = KubernetesCalls.call("get", "persistentvolumeclaims", ns,
                    () -> client.persistentVolumeClaims().inNamespace(ns).withName(name).get());
            String phase = claim == null || claim.getStatus() == null ? null : claim.getStatus().getPhase();
            if (claim == null || "Lost".equals(phase)) {
                return failed("Restored claim " + ns + "/" + name + " is " + (claim == null ? "gone" : "Lost") + ".");
            }
            if (!"Bound".equals(phase)) {
                pending.add(name + " " + (phase == null ? "Pending" : phase));
            }
        }
        if (!pending.isEmpty()) {
            return PollOutcome.waiting("restored claims " + String.join(", ", pending));
        }
        log.info("Restored claims %s are Bound in namespace %s.", progress.restoredClaims, ns);
        if (request.stagingWorkload() == null) {
            return finish();
        }
        progress.phase = Phase.ROLLOUT;
        return PollOutcome.progressed("rolling out " + request.stagingWorkload());
    }

    private PollOutcome<PxSnapshotResult> lookAtRollout() {
        StagingWorkload workload = new StagingWorkload(client, request);
        PollOutcome<String> look = workload.look(progress.workloadGeneration == null ? 0 : progress.workloadGeneration);
        if (look instanceof PollOutcome.Failed<String> f) {
            return failed(f.reason());
        }
        if (look instanceof PollOutcome.KeepWaiting<String> w) {
            return PollOutcome.waiting(w.status());
        }
        String status = ((PollOutcome.Done<String>) look).value();
        progress.lastStatus = status;
        log.info("Staging %s %s.", workload.describe(), status);
        return finish();
    }

    private PollOutcome<PxSnapshotResult> finish() {
        List<String> deleted = new SnapshotRetention(client, api(), request, names, log).apply(progress.snapshot);
        progress.phase = Phase.DONE;
        String rollout = request.stagingWorkload() == null ? "" : progress.lastStatus;
        StringBuilder reason = new StringBuilder("Snapshot " + progress.snapshot + " of " + source() + " is ready");
        if (!progress.restoredClaims.isEmpty()) {
            reason.append("; restored as ").append(progress.restoredClaims).append(" in namespace ")
                    .append(request.restoreTo());
        }
        if (!rollout.isEmpty()) {
            reason.append("; staging ").append(request.stagingWorkload()).append(' ').append(rollout);
        }
        return PollOutcome.done(result(Status.COMPLETED, reason + ".", deleted, List.of()));
    }

    private PollOutcome<PxSnapshotResult> failed(String reason) {
        releaseFreeze();
        log.warn(reason);
        List<String> cleaned = cleanUp();
        return PollOutcome.failed(reason, result(Status.FAILED, reason, List.of(), cleaned));
    }

    private PxSnapshotResult result(Status status, String reason, List<String> deleted, List<String> cleaned) {
        Duration frozen = progress.frozenAt == null ? Duration.ZERO : Duration.between(progress.frozenAt,
                progress.unfrozenAt == null ? clock.instant() : progress.unfrozenAt);
        return new PxSnapshotResult(status, reason, progress.method, request.namespace(), progress.snapshot,
                request.group(), progress.members, progress.reused, progress.readyAt,
                progress.readyAt == null ? null : Duration.between(progress.startedAt, progress.readyAt), frozen,
                request.restoreTo(), progress.restoredClaims, request.stagingWorkload() == null ? ""
                : progress.phase == Phase.DONE ? progress.lastStatus : "not rolled out", deleted, cleaned);
    }

    /** Runs the unfreeze command once, whatever happened; a failing unfreeze fails the stage loudly. */
    private void releaseFreeze() {
        if (!progress.frozen()) {
            return;
        }
        progress.unfrozenAt = clock.instant();
        ApplicationFreeze freeze = freeze();
        freeze.unfreeze(progress.freezeTarget);
        log.info("The application was frozen for %d ms.",
                Duration.between(progress.frozenAt, progress.unfrozenAt).toMillis());
    }

    /** Deletes what this run created, newest first, unless the request keeps it. */
    private List<String> cleanUp() {
        if (request.keepOnFailure() || progress.created.isEmpty()) {
            if (!progress.created.isEmpty()) {
                log.info("Keeping %s for a look (keepOnFailure).", progress.created);
            }
            return List.of();
        }
        List<String> cleaned = new ArrayList<>();
        for (int i = progress.created.size() - 1; i >= 0; i--) {
            String[] parts = progress.created.get(i).split("/", 3);
            try {
                if ("PersistentVolumeClaim".equals(parts[0])) {
                    KubernetesCalls.run("delete", "persistentvolumeclaims", parts[1],
                            () -> client.persistentVolumeClaims().inNamespace(parts[1]).withName(parts[2]).delete());
                } else {
                    GenericKubernetesResource snapshot = api().find(parts[2]);
                    if (snapshot != null) {
                        api().delete(snapshot);
                    }
                }
                cleaned.add(progress.created.get(i));
            } catch (StageException e) {
                log.warn("Could not clean up %s: %s", progress.created.get(i), e.describe());
            }
        }
        progress.created.clear();
        log.info("Cleaned up %s.", cleaned);
        return cleaned;
    }

    private ApplicationFreeze freeze() {
        return request.freezeCommand() == null ? null : new ApplicationFreeze(client, exec, request, log);
    }

    private SnapshotApi api() {
        if (api == null) {
            api = progress.method == SnapshotMethod.CSI ? new CsiSnapshots(client, request)
                    : new StorkSnapshots(client, request);
        }
        return api;
    }

    /** The API the request asks for, or for {@code auto} the one installed, Stork first. */
    private SnapshotApi resolveApi() {
        StorkSnapshots stork = new StorkSnapshots(client, request);
        CsiSnapshots csi = new CsiSnapshots(client, request);
        String storkMissing = request.method() == SnapshotMethod.CSI ? "not asked for" : stork.missing();
        if (request.method() != SnapshotMethod.CSI && storkMissing == null) {
            if (request.method() == SnapshotMethod.AUTO) {
                log.info("Using Stork snapshots (method auto: %s is installed).", stork.resource());
            }
            return stork;
        }
        if (request.method() == SnapshotMethod.STORK) {
            throw new StageException(StageException.Kind.KUBERNETES, "The cluster does not serve " + storkMissing
                    + ", so Stork snapshots cannot be taken.",
                    "Install Stork (Portworx installs it with the operator's 'stork.enabled: true'), or use method "
                            + "'csi' with the CSI snapshot controller.");
        }
        String csiMissing = csi.missing();
        if (csiMissing == null) {
            csi.snapshotClass();
            if (request.method() == SnapshotMethod.AUTO) {
                log.info("Using CSI snapshots (method auto: Stork is not installed, %s is).", csi.resource());
            }
            return csi;
        }
        if (request.method() == SnapshotMethod.CSI) {
            throw new StageException(StageException.Kind.KUBERNETES, "The cluster does not serve " + csiMissing
                    + ", so CSI snapshots cannot be taken.", "Install the external-snapshotter CRDs and "
                    + "snapshot-controller (kubernetes-csi/external-snapshotter"
                    + (request.group() ? ", v8 or newer with group snapshots enabled" : "")
                    + "), or use method 'stork'.");
        }
        throw new StageException(StageException.Kind.KUBERNETES, "The cluster serves neither " + storkMissing
                + " nor " + csiMissing + ": no snapshot API is installed.",
                "Install Stork (with Portworx) or the CSI external-snapshotter CRDs and snapshot-controller.");
    }

    private List<PersistentVolumeClaim> sourceClaims() {
        String ns = request.namespace();
        List<PersistentVolumeClaim> claims;
        if (!request.group()) {
            claims = List.of(claim(request.pvc()));
        } else {
            claims = KubernetesCalls.call("list", "persistentvolumeclaims", ns, () -> client.persistentVolumeClaims()
                    .inNamespace(ns).withLabels(request.pvcSelector()).list().getItems());
            if (claims.isEmpty()) {
                throw StageException.invalidInput("No PersistentVolumeClaim in namespace '" + ns + "' has the labels "
                        + request.pvcSelector() + ".", "Check pvcSelector and the namespace.");
            }
        }
        claims.forEach(this::requirePortworx);
        return claims;
    }

    private PersistentVolumeClaim claim(String name) {
        String ns = request.namespace();
        PersistentVolumeClaim claim = KubernetesCalls.call("get", "persistentvolumeclaims", ns,
                () -> client.persistentVolumeClaims().inNamespace(ns).withName(name).get());
        if (claim == null) {
            throw StageException.invalidInput("PersistentVolumeClaim '" + name + "' not found in namespace '" + ns
                    + "'.", "Check the claim name and the namespace (kubectl get pvc -n " + ns + ").");
        }
        return claim;
    }

    private void requirePortworx(PersistentVolumeClaim claim) {
        Map<String, String> annotations = claim.getMetadata().getAnnotations() == null ? Map.of()
                : claim.getMetadata().getAnnotations();
        String provisioner = annotations.getOrDefault("volume.kubernetes.io/storage-provisioner",
                annotations.get("volume.beta.kubernetes.io/storage-provisioner"));
        String className = claim.getSpec().getStorageClassName();
        if (provisioner == null && className != null) {
            StorageClass sc = KubernetesCalls.call("get", "storageclasses.storage.k8s.io", null,
                    () -> client.storage().v1().storageClasses().withName(className).get());
            provisioner = sc == null ? null : sc.getProvisioner();
        }
        if (provisioner == null || !PORTWORX_PROVISIONERS.contains(provisioner)) {
            throw StageException.invalidInput("PersistentVolumeClaim '" + claim.getMetadata().getName()
                    + "' in namespace '" + request.namespace() + "' is not a Portworx volume: its provisioner is "
                    + (provisioner == null ? "unknown (storage class " + className + ")" : "'" + provisioner + "'")
                    + ".", "Snapshot a claim of a Portworx storage class (provisioner pxd.portworx.com or "
                    + "kubernetes.io/portworx-volume).");
        }
    }

    private String source() {
        return request.group() ? "claims " + request.pvcSelector() + " in " + request.namespace()
                : "claim " + request.namespace() + "/" + request.pvc();
    }
}
