package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueListener;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import jenkins.model.Jenkins;

/**
 * Asks Jenkins to review provisioning as soon as work a Spot cloud serves becomes buildable, instead of at the
 * next periodic review (every 10 seconds): the launch starts within about a second of the build entering the
 * queue. {@link NodeProvisioner#suggestReviewNow()} runs at most one review a second, and the engine counts
 * what is already launching, so a burst of builds still launches once for all of them.
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
                NodeProvisioner provisioner = label == null ? jenkins.unlabeledNodeProvisioner : label.nodeProvisioner;
                provisioner.suggestReviewNow();
                return;
            }
        }
    }
}
