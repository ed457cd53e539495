package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import java.time.Instant;

/**
 * Stamps the moment a Spot agent comes online, for the engine's launch latency and boot-time breakdown.
 * {@code Computer#getConnectTime} cannot serve: Jenkins sets it when a connection attempt starts, which for an
 * inbound agent is when its node is added, before the instance has even booted.
 */
@Extension
public final class SpotOnlineListener extends ComputerListener {

    @Override
    public void onOnline(Computer c, TaskListener listener) {
        if (c instanceof SpotComputer sc) {
            sc.wentOnline(Instant.now());
        }
    }
}
