package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Label;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import jenkins.model.Jenkins;

/**
 * Steps the Spot clouds that serve a label as soon as Jenkins sees work waiting for it, instead of after the load
 * averages of the default strategy have risen. The engine counts launching capacity, so stepping often never
 * launches twice for the same builds.
 */
@Extension(ordinal = 100)
public final class SpotProvisionerStrategy extends NodeProvisioner.Strategy {

    @NonNull
    @Override
    public NodeProvisioner.StrategyDecision apply(@NonNull NodeProvisioner.StrategyState state) {
        Label label = state.getLabel();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SpotCloud spot && spot.canProvision(new Cloud.CloudState(label, 0))) {
                state.recordPendingLaunches(spot.getRuntime().provisionNow());
            }
        }
        return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }
}
