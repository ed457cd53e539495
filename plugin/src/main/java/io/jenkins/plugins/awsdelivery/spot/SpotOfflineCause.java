package io.jenkins.plugins.awsdelivery.spot;

import hudson.slaves.OfflineCause;

/** Why a Spot agent takes no more work: an interruption notice, a rebalance recommendation or scale-in. */
public final class SpotOfflineCause extends OfflineCause {

    private final String reason;

    public SpotOfflineCause(String reason) {
        this.reason = reason;
    }

    @Override
    public String toString() {
        return reason;
    }
}
