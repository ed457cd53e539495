package io.jenkins.plugins.awsdelivery.core.portworx;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.Locale;

/** How the snapshot is taken. */
public enum SnapshotMethod {
    /** Stork's VolumeSnapshot, and its GroupVolumeSnapshot for groups. */
    STORK,
    /** The Kubernetes CSI VolumeSnapshot (and VolumeGroupSnapshot) with the Portworx CSI driver. */
    CSI,
    /** Whatever the cluster has installed, Stork first. */
    AUTO;

    public static SnapshotMethod parse(String text) {
        if (text == null || text.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StageException.invalidInput("method '" + text + "' is not a snapshot method.",
                    "Use stork, csi or auto.");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
