package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueListener;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import jenkins.model.Jenkins;
import jenkins.util.Timer;

/**
 * Asks Jenkins to review provisioning as soon as work a Spot cloud serves becomes buildable, instead of at the
 * next periodic review (every 10 seconds). Jenkins calls this listener inside queue maintenance, before the queue's
 * snapshot includes the new item, and a review reads that snapshot: the request is therefore made from another
 * thread once queue maintenance has ended. The cloud's arrival forecast (warm capacity) hears of the build too. {@link NodeProvisioner#suggestReviewNow()} runs at most one review a
 * second, and the engine counts what is already launching, so a burst of builds still launches once for all.
 */
@Extension
public final class SpotProvisionOnEnqueue extends QueueListener {

    @Override
    public void onEnterBuildable(Queue.BuildableItem item) {
        Label label = item.getAssignedLabel();
        Jenkins jenkins = Jenkins.get();
        Cloud.CloudState state = new Cloud.CloudState(label, 0);
        for (Cloud c : jenkins.clouds) {
            if (c instanceof SpotCloud spot && spot.canProvision(state)) {
                // Warm capacity's forecast learns from every build the cloud serves, per template, under the same
                // key as the engine's demand.
                SpotRoundInputs.arrivalKey(spot, label).ifPresent(spot.getRuntime()::arrived);
                NodeProvisioner provisioner = label == null ? jenkins.unlabeledNodeProvisioner : label.nodeProvisioner;
                Timer.get().submit(() -> {
                    Queue.withLock(() -> { }); // queue maintenance, and its snapshot update, are over
                    provisioner.suggestReviewNow();
                });
                return;
            }
        }
    }
}
