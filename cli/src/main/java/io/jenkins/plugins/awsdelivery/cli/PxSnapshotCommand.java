package io.jenkins.plugins.awsdelivery.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesClientFactory;
import io.jenkins.plugins.awsdelivery.core.portworx.FabricPodExec;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshot;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotResult;
import io.jenkins.plugins.awsdelivery.core.portworx.SnapshotMethod;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code px-snapshot}: the pxSnapshot stage from a shell. */
@Command(name = "px-snapshot", mixinStandardHelpOptions = true,
        description = {"Take a writable Portworx snapshot (Stork or CSI) of production claims, optionally restore it "
                + "as staging claims and repoint a staging workload.",
            "Exit code 1 when the snapshot failed or a wait timed out."})
public final class PxSnapshotCommand extends StageCommand {

    @Mixin
    KubernetesOptions kubernetes;

    @Option(names = "--namespace", required = true, paramLabel = "NS", description = "The source claims' namespace.")
    String namespace;

    @Option(names = "--pvc", paramLabel = "NAME", description = "The claim to snapshot.")
    String pvc;

    @Option(names = "--pvc-selector", paramLabel = "LABELS",
            description = "Labels (app=mongo,tier=db) selecting several claims for one group snapshot.")
    String pvcSelector;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "auto",
            description = "stork, csi or auto (default: auto, Stork first).")
    String method;

    @Option(names = "--snapshot-class", paramLabel = "NAME",
            description = "CSI VolumeSnapshotClass (default: the one of driver pxd.portworx.com).")
    String snapshotClass;

    @Option(names = "--pre-snapshot-rule", paramLabel = "RULE", description = "Stork rule run before the snapshot.")
    String preSnapshotRule;

    @Option(names = "--post-snapshot-rule", paramLabel = "RULE", description = "Stork rule run after the snapshot.")
    String postSnapshotRule;

    @Option(names = "--freeze-command", paramLabel = "SH", description = "Shell command that stops the "
            + "application's writes, run in its pod before the snapshot.")
    String freezeCommand;

    @Option(names = "--unfreeze-command", paramLabel = "SH", description = "Shell command that lets writes go on; "
            + "always run once the snapshot is taken or has failed.")
    String unfreezeCommand;

    @Option(names = "--freeze-pod", paramLabel = "POD", description = "Pod for the commands (default: a running pod "
            + "that mounts the claim).")
    String freezePod;

    @Option(names = "--freeze-container", paramLabel = "NAME", description = "Container for the commands "
            + "(default: the pod's first).")
    String freezeContainer;

    @Option(names = "--restore-to", paramLabel = "NS", description = "Restore new claims from the snapshot here.")
    String restoreTo;

    @Option(names = "--restored-claim", paramLabel = "NAME", description = "Name of the restored claim (one claim "
            + "only; default: derived from job and build).")
    String restoredClaim;

    @Option(names = "--staging-workload", paramLabel = "KIND/NAME",
            description = "deployment/NAME or statefulset/NAME in --restore-to to point at the restored claim.")
    String stagingWorkload;

    @Option(names = "--staging-volume", paramLabel = "NAME", description = "The workload's volume to repoint.")
    String stagingVolume;

    @Option(names = "--retain", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest N snapshots of this job and source, delete older ones (default: 0, keep all).")
    int retain;

    @Option(names = "--delete-restored-claims", description = "With --retain, also delete claims restored from "
            + "deleted snapshots.")
    boolean deleteRestoredClaims;

    @Option(names = "--keep-on-failure", description = "Keep what was created when the stage fails.")
    boolean keepOnFailure;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait in all (default: 15m).")
    String timeout;

    @Option(names = "--job", paramLabel = "NAME", defaultValue = "cli",
            description = "Job name that names and labels what is created (default: ${DEFAULT-VALUE}).")
    String job;

    @Option(names = "--build", paramLabel = "N", required = true,
            description = "Build number: the same number finds the objects of an earlier attempt.")
    int build;

    @Override
    protected Outcome run(StageLog log) {
        PxSnapshotRequest request = PxSnapshotRequest.builder(namespace, job, build)
                .pvc(pvc).pvcSelector(PxSnapshotRequest.parseSelector(pvcSelector))
                .method(SnapshotMethod.parse(method)).snapshotClass(snapshotClass)
                .rules(preSnapshotRule, postSnapshotRule).freeze(freezeCommand, unfreezeCommand)
                .freezePod(freezePod, freezeContainer).restoreTo(restoreTo).restoredClaim(restoredClaim)
                .staging(stagingWorkload, stagingVolume).retain(retain, deleteRestoredClaims)
                .keepOnFailure(keepOnFailure)
                .timeout(timeout == null ? null : DurationText.parse("--timeout", timeout))
                .build();
        try (KubernetesClient client = KubernetesClientFactory.create(kubernetes.settings())) {
            PxSnapshot stage = new PxSnapshot(request, client, new FabricPodExec(client), Clock.systemUTC(), log);
            PxSnapshotResult result = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy())));
            return new Outcome(result, result.passed());
        }
    }
}
