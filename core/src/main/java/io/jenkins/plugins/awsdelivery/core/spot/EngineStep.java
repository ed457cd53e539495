package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.List;

/**
 * What one engine step did, for the caller to mirror in Jenkins.
 *
 * @param launched new instances: the caller creates an agent for each
 * @param adopted instances found by reconciliation that no agent represents yet: the caller creates agents too
 * @param retiring idle agents chosen for scale-in: the caller stops giving them work now; they are terminated at
 *     the next step if they are still idle then
 * @param terminated agents whose instances were terminated (retired, drained or never connected)
 * @param lost agents whose instances disappeared (interrupted or terminated outside the engine)
 * @param messages what happened worth logging, such as limit errors and pool cooldowns
 */
public record EngineStep(List<Agent> launched, List<Agent> adopted, List<Agent> retiring, List<Agent> terminated,
                         List<Agent> lost, List<String> messages, String plan) {

    public EngineStep {
        launched = List.copyOf(launched);
        adopted = List.copyOf(adopted);
        retiring = List.copyOf(retiring);
        terminated = List.copyOf(terminated);
        lost = List.copyOf(lost);
        messages = List.copyOf(messages);
    }
}
