package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;

/**
 * Every 10 seconds, for every Spot cloud: collect the interruption notices agents read, then run an engine step
 * (retire and terminate idle agents, reconcile with EC2 when due, launch for the queue). At start-up the first step
 * reconciles, adopting instances launched before a restart.
 */
@Extension
public final class SpotMaintenance extends AsyncPeriodicWork {

    public SpotMaintenance() {
        super("Spot cloud maintenance");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.SECONDS.toMillis(10);
    }

    @Override
    protected void execute(TaskListener listener) {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SpotCloud spot) {
                try {
                    spot.getRuntime().maintain();
                } catch (RuntimeException e) {
                    listener.error("Spot cloud " + spot.name + ": " + e);
                }
            }
        }
    }
}
