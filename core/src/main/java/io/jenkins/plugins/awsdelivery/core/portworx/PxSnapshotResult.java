package io.jenkins.plugins.awsdelivery.core.portworx;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How {@code pxSnapshot} ended.
 *
 * @param status COMPLETED, FAILED or TIMED_OUT
 * @param reason what happened, in the controller's own words where it gave any
 * @param snapshot the VolumeSnapshot, or the group snapshot's name
 * @param members the volume snapshots and the claims they were taken of
 * @param reused the snapshot was found from an earlier attempt of the same build, not taken again
 * @param readyAt when the snapshot was seen ready; null when it never was
 * @param readyAfter from the start of the stage to the snapshot being ready
 * @param frozenFor how long the application was frozen (zero without freeze commands)
 * @param restoredClaims the claims restored in {@code restoreNamespace}, empty without a restore
 * @param rollout the staging workload's rollout, or empty without one
 * @param deletedByRetention older snapshots (and claims) deleted by {@code retain}
 * @param cleanedUp what this run created and deleted again because it failed
 */
public record PxSnapshotResult(Status status, String reason, SnapshotMethod method, String namespace,
                               String snapshot, boolean group, List<SnapshotLook.Member> members, boolean reused,
                               Instant readyAt, Duration readyAfter, Duration frozenFor, String restoreNamespace,
                               List<String> restoredClaims, String rollout, List<String> deletedByRetention,
                               List<String> cleanedUp) implements StageResult {

    /** How the stage ended. */
    public enum Status { COMPLETED, FAILED, TIMED_OUT }

    public PxSnapshotResult {
        members = List.copyOf(members);
        restoredClaims = List.copyOf(restoredClaims);
        deletedByRetention = List.copyOf(deletedByRetention);
        cleanedUp = List.copyOf(cleanedUp);
        rollout = rollout == null ? "" : rollout;
        restoreNamespace = restoreNamespace == null ? "" : restoreNamespace;
    }

    public boolean passed() {
        return status == Status.COMPLETED;
    }

    /** The restored claim of a single-claim snapshot (the first of a group's); empty without a restore. */
    public String restoredClaim() {
        return restoredClaims.isEmpty() ? "" : restoredClaims.get(0);
    }

    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("status", status).put("passed", passed()).put("reason", reason)
                .put("method", method == null ? null : method.label()).put("namespace", namespace)
                .put("snapshot", snapshot).put("group", group)
                .put("snapshots", members.stream().map(m -> PlainValues.map().put("name", m.snapshot())
                        .put("claim", m.sourceClaim()).build()).toList())
                .put("reused", reused)
                .put("readyAt", readyAt).put("readySeconds", readyAfter == null ? null : readyAfter.toSeconds())
                .put("frozenMillis", frozenFor.toMillis())
                .put("restoreNamespace", restoreNamespace).put("restoredClaim", restoredClaim())
                .put("restoredClaims", restoredClaims).put("rollout", rollout)
                .put("deletedByRetention", deletedByRetention).put("cleanedUp", cleanedUp)
                .build();
    }
}
