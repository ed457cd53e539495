package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;

/** Long-polls the interruption queue of each Spot cloud that has one (about three SQS calls a minute). */
@Extension
public final class SpotNoticePoller extends AsyncPeriodicWork {

    public SpotNoticePoller() {
        super("Spot interruption notices");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.SECONDS.toMillis(20);
    }

    @Override
    protected void execute(TaskListener listener) {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SpotCloud spot && spot.getInterruptionQueueUrl() != null) {
                try {
                    spot.getRuntime().pollQueue();
                } catch (RuntimeException e) {
                    listener.error("Spot cloud " + spot.name + ": " + e);
                }
            }
        }
    }
}
