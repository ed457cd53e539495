package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether an instance that asks for its agent secret at boot gets it. CreateFleet gives every instance
 * the same user data, so the secret cannot be in it; instead the instance asks the controller once, and gets the
 * secret only when all of this holds:
 * <ul>
 *   <li>the instance ID is one this cloud launched (or adopted) and whose agent has not connected yet;</li>
 *   <li>it asks within the connect timeout of its launch;</li>
 *   <li>EC2 confirms the instance is running, carries this cloud's identity tags, and has the private address the
 *       request comes from;</li>
 *   <li>no secret was handed out for it before (one request per instance).</li>
 * </ul>
 */
public final class AgentBootstrap {

    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    /** The answer: a reason to refuse, or empty to hand out the secret. */
    public record Verdict(boolean allowed, String reason) {
        static Verdict allow() {
            return new Verdict(true, "");
        }

        static Verdict refuse(String reason) {
            return new Verdict(false, reason);
        }
    }

    private final Set<String> issued = new HashSet<>();

    public synchronized Verdict check(SpotEngine engine, String instanceId, String remoteAddress, Instant now) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            return Verdict.refuse("'" + instanceId + "' is not an instance ID");
        }
        if (issued.contains(instanceId)) {
            return Verdict.refuse("a secret was already handed out for " + instanceId);
        }
        Optional<Agent> agent = engine.agent(instanceId);
        if (agent.isEmpty()) {
            return Verdict.refuse(instanceId + " is not an instance of cloud " + engine.config().cloudName());
        }
        Agent a = agent.get();
        if (a.state() != AgentState.LAUNCHING || a.connectedAt().isPresent()) {
            return Verdict.refuse("the agent of " + instanceId + " is " + a.state().name().toLowerCase());
        }
        if (a.launchedAt().plus(engine.config().connectTimeout()).isBefore(now)) {
            return Verdict.refuse(instanceId + " asked after the connect timeout");
        }
        Optional<FleetApi.ManagedInstance> described = engine.describe(instanceId);
        if (described.isEmpty() || !"running".equals(described.get().state())) {
            return Verdict.refuse("EC2 does not report " + instanceId + " as running");
        }
        FleetApi.ManagedInstance i = described.get();
        if (!engine.config().cloudName().equals(i.tags().get(SpotFleetConfig.TAG_CLOUD))
                || !engine.config().controllerId().equals(i.tags().get(SpotFleetConfig.TAG_CONTROLLER))) {
            return Verdict.refuse(instanceId + " does not carry this cloud's identity tags");
        }
        if (i.privateIp() == null || !i.privateIp().equals(remoteAddress)) {
            return Verdict.refuse("the request for " + instanceId + " came from " + remoteAddress
                    + ", not from the instance's private address");
        }
        issued.add(instanceId);
        return Verdict.allow();
    }
}
