package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;

/**
 * Every 10 seconds: asks each Spot cloud's runtime for a round on its own thread (collect interruption notices,
 * retire and terminate idle agents, reconcile with EC2 when due, launch for the queue), retires the runtimes of
 * deleted clouds and lets retired ones drain. At start-up the first round reconciles, adopting instances launched
 * before a restart. Nothing here waits for EC2.
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
        List<String> names = new ArrayList<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SpotCloud spot) {
                names.add(spot.name);
                // A renamed cloud takes its former name's agents over: that runtime stops, it does not drain.
                spot.formerNames().forEach(SpotCloudRuntime::handOver);
                try {
                    spot.getRuntime().kick();
                } catch (RuntimeException e) {
                    listener.error("Spot cloud " + spot.name + ": " + e);
                }
            }
        }
        SpotCloudRuntime.retainOnly(names);
        SpotCloudRuntime.retiring().forEach(SpotCloudRuntime::kick);
    }
}
