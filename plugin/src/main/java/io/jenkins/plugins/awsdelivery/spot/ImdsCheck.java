package io.jenkins.plugins.awsdelivery.spot;

import io.jenkins.plugins.awsdelivery.core.spot.ImdsInterruptionProbe;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import java.io.IOException;
import java.time.Clock;
import jenkins.security.MasterToSlaveCallable;

/** Runs on a Spot agent: asks its instance's metadata service for an interruption notice (null when none). */
final class ImdsCheck extends MasterToSlaveCallable<InterruptionNotice, IOException> {

    private static final long serialVersionUID = 1L;

    @Override
    public InterruptionNotice call() throws IOException {
        try {
            return new ImdsInterruptionProbe(ImdsInterruptionProbe.DEFAULT_ENDPOINT, Clock.systemUTC()).check()
                    .orElse(null);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
