package io.jenkins.plugins.awsdelivery.core.portworx;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How far one run of {@code pxSnapshot} got: small and serializable, so that the Jenkins step persists it after
 * every poll and goes on from the same point after a controller restart.
 */
public final class PxProgress implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The part of the stage being waited on. */
    public enum Phase { SNAPSHOT, RESTORE, ROLLOUT, DONE }

    Phase phase = Phase.SNAPSHOT;
    SnapshotMethod method;
    String snapshot;
    boolean reused;
    Instant startedAt;
    Instant frozenAt;
    Instant unfrozenAt;
    ApplicationFreeze.Target freezeTarget;
    Instant readyAt;
    boolean controllerReported;
    String lastStatus = "";
    List<SnapshotLook.Member> members = new ArrayList<>();
    List<String> restoredClaims = new ArrayList<>();
    /** Objects this run created or found from an earlier attempt of its build, {@code kind/namespace/name}. */
    List<String> created = new ArrayList<>();
    Long workloadGeneration;

    public Phase phase() {
        return phase;
    }

    public String snapshot() {
        return snapshot;
    }

    public Instant startedAt() {
        return startedAt;
    }

    boolean frozen() {
        return frozenAt != null && unfrozenAt == null;
    }
}
