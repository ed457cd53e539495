package io.jenkins.plugins.awsdelivery.core.portworx;

/**
 * Where a snapshot stands, as its controller reports it.
 *
 * @param state how far it got
 * @param message the controller's own words when it failed, or a short status
 * @param reported whether any controller has written a status at all (none means no controller runs)
 */
public record SnapshotLook(State state, String message, boolean reported) {

    /** How far the snapshot got. */
    public enum State {
        /** Not taken yet. */
        PENDING,
        /** Taken (the application may go on writing), not yet ready to restore from. */
        TAKEN,
        /** Ready to restore from. */
        READY,
        /** Failed; {@link #message} says why. */
        FAILED
    }

    /** Taken, ready or failed: the application need not stay frozen any longer. */
    public boolean settled() {
        return state != State.PENDING;
    }

    /**
     * One volume snapshot of a (group) snapshot.
     *
     * @param snapshot the volume snapshot's name
     * @param sourceClaim the claim it was taken of
     */
    public record Member(String snapshot, String sourceClaim) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }
}
