package io.jenkins.plugins.awsdelivery.spot;

import hudson.model.Executor;
import hudson.model.OneOffExecutor;
import hudson.model.Queue;
import hudson.slaves.AbstractCloudComputer;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The computer of a {@link SpotAgent}. Counts the builds the agent accepts, for its template's maximum total
 * uses: in one pass, Jenkins' queue may give work to several executors of one agent before any of them accepts it
 * ({@code taskAccepted} comes later, on the executor's own thread), so an executor holding work not accepted yet
 * counts as a use already. A single-use agent with two executors therefore never gets a second build.
 */
public final class SpotComputer extends AbstractCloudComputer<SpotAgent> {

    private static final Logger LOGGER = Logger.getLogger(SpotComputer.class.getName());

    /** Executors whose work is already in the agent's count (an executor runs one task, then is replaced). */
    private final transient Set<Executor> counted = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    /** When the agent last came online ({@link SpotOnlineListener}); not kept across restarts. */
    private transient volatile Instant onlineSince;

    public SpotComputer(SpotAgent agent) {
        super(agent);
    }

    void wentOnline(Instant at) {
        onlineSince = at;
    }

    /** When the agent came online, while it is online; null otherwise or when not seen coming online. */
    Instant onlineSince() {
        return isOnline() ? onlineSince : null;
    }

    /** True while the engine wants this agent to take builds (not retiring, not under notice) and it has uses left. */
    boolean acceptsWork() {
        SpotAgent agent = getNode();
        SpotCloud cloud = agent == null ? null : agent.getCloud();
        return cloud != null && hasUsesLeft() && cloud.getRuntime().acceptsWork(agent.getInstanceId());
    }

    /**
     * Builds accepted so far plus executors given work that they have not accepted yet: what the agent has
     * taken or is about to take. Called under the queue lock: reads only.
     */
    int usesTaken() {
        SpotAgent agent = getNode();
        int pending = 0;
        for (Executor e : getExecutors()) {
            if (e.isBusy() && !counted.contains(e)) {
                pending++;
            }
        }
        return (agent == null ? 0 : agent.getBuildsAccepted()) + pending;
    }

    /** False once the agent has taken (or been given) as many builds as its template allows. */
    boolean hasUsesLeft() {
        SpotAgent agent = getNode();
        return agent == null || agent.getMaxTotalUses() == 0 || usesTaken() < agent.getMaxTotalUses();
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        super.taskAccepted(executor, task);
        SpotAgent agent = getNode();
        if (agent == null || executor instanceof OneOffExecutor) {
            return; // a Pipeline's own flyweight task is not a build on this agent
        }
        // Count first, then mark the executor: a reader in between sees one use too many, never one too few.
        agent.acceptedOne();
        counted.add(executor);
        try {
            Jenkins.get().updateNode(agent);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not save the build count of " + agent.getNodeName(), e);
        }
        if (agent.getMaxTotalUses() > 0 && agent.getBuildsAccepted() >= agent.getMaxTotalUses()) {
            LOGGER.info(() -> agent.getNodeName() + " has taken its " + agent.getMaxTotalUses()
                    + " build(s): it drains and is terminated");
            SpotCloud cloud = agent.getCloud();
            if (cloud != null) {
                cloud.getRuntime().kick();
            }
        }
    }
}
