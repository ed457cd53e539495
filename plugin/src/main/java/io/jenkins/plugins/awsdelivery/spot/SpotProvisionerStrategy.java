package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.LoadStatistics;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import java.util.Collection;
import jenkins.model.Jenkins;

/**
 * Plans Spot agents as soon as Jenkins sees work waiting for a label a Spot cloud serves, instead of after the load
 * averages of the default strategy have risen (as ec2-fleet's no-delay strategy does). It runs under the
 * provisioner's lock, so the clouds only record demand and return planned nodes: no EC2 call, no wait. Once the
 * capacity on the way covers the queue it answers {@code PROVISIONING_COMPLETED}, so the default strategy does not
 * plan the same builds again.
 */
@Extension(ordinal = 100)
public final class SpotProvisionerStrategy extends NodeProvisioner.Strategy {

    @NonNull
    @Override
    public NodeProvisioner.StrategyDecision apply(@NonNull NodeProvisioner.StrategyState state) {
        LoadStatistics.LoadStatisticsSnapshot snapshot = state.getSnapshot();
        int queue = snapshot.getQueueLength();
        int capacity = snapshot.getAvailableExecutors() + snapshot.getConnectingExecutors()
                + state.getPlannedCapacitySnapshot() + state.getAdditionalPlannedCapacity();
        boolean served = false;
        for (Cloud c : Jenkins.get().clouds) {
            Cloud.CloudState cloudState = new Cloud.CloudState(state.getLabel(), state.getAdditionalPlannedCapacity());
            if (!(c instanceof SpotCloud spot) || !spot.canProvision(cloudState)) {
                continue;
            }
            served = true;
            if (queue > capacity) {
                Collection<NodeProvisioner.PlannedNode> planned = spot.provision(cloudState, queue - capacity);
                state.recordPendingLaunches(planned);
                capacity += planned.stream().mapToInt(p -> p.numExecutors).sum();
            }
        }
        return served && capacity >= queue ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }
}
