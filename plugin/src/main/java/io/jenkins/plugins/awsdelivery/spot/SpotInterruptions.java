package io.jenkins.plugins.awsdelivery.spot;

import hudson.model.Computer;
import hudson.model.Executor;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.awsdelivery.core.spot.Interruption;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import io.jenkins.plugins.awsdelivery.core.spot.NoticeKind;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Interruption notices of one cloud's agents: asks each connected agent for its instance's notice (IMDS), accepts
 * a notice only about the instance of the agent that was asked, and applies the engine's decisions to Jenkins.
 */
final class SpotInterruptions {

    private static final Logger LOGGER = Logger.getLogger(SpotInterruptions.class.getName());
    /** Builds that would end within this margin of the interruption are not trusted to finish. */
    private static final long FINISH_MARGIN_MS = 15_000;

    private final Map<String, Future<InterruptionNotice>> probes = new HashMap<>();
    private final Consumer<String> log;
    private final SpotNodes nodes;

    SpotInterruptions(Consumer<String> log, SpotNodes nodes) {
        this.log = log;
        this.nodes = nodes;
    }

    /** Notices read by agents since the last round; starts the next read on each connected agent. */
    synchronized List<InterruptionNotice> collect(List<SpotAgent> agents) {
        List<InterruptionNotice> notices = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (SpotAgent a : agents) {
            String id = a.getInstanceId();
            present.add(id);
            Future<InterruptionNotice> f = probes.get(id);
            if (f != null && f.isDone()) {
                probes.remove(id);
                try {
                    InterruptionNotice n = f.get();
                    if (n != null && n.concerns(id)) {
                        notices.add(n);
                    } else if (n != null) {
                        log.accept("Dropped an interruption notice about " + n.instanceId() + " reported by agent "
                                + id + ": an agent can only report its own instance");
                    }
                } catch (Exception e) {
                    LOGGER.log(Level.FINE, "IMDS check on " + id + " failed", e);
                }
            }
            Computer c = a.toComputer();
            VirtualChannel channel = c == null ? null : c.getChannel();
            if (channel != null && !probes.containsKey(id)) {
                try {
                    probes.put(id, channel.callAsync(new ImdsCheck()));
                } catch (IOException e) {
                    LOGGER.log(Level.FINE, "Could not ask " + id + " for interruption notices", e);
                }
            }
        }
        probes.keySet().retainAll(present);
        return notices;
    }

    void apply(List<Interruption> interruptions) {
        for (Interruption i : interruptions) {
            Computer c = SpotNodes.computer(i.agent().instanceId());
            log.accept(i.reason());
            if (c == null) {
                continue;
            }
            c.setTemporaryOfflineCause(new SpotOfflineCause(i.reason()));
            if (i.notice().kind() == NoticeKind.INTERRUPTION && c.countBusy() > 0
                    && !finishesBefore(c, i.notice().actionTime())) {
                // Disconnect, then remove the node: Pipeline cancels the node blocks of a removed cloud agent
                // that is offline with "Agent was removed", which retry(conditions: [agent()]) reruns on another
                // agent; the replacement is already launching. (An agent still online would be left running.)
                try {
                    c.disconnect(new SpotOfflineCause(i.reason())).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOGGER.log(Level.FINE, "Disconnecting " + i.agent().instanceId() + " took too long", e);
                }
                nodes.remove(i.agent().instanceId(), "Interrupted builds on " + i.agent().instanceId()
                        + " so they rerun elsewhere");
            }
        }
    }

    private static boolean finishesBefore(Computer c, Instant actionTime) {
        long now = System.currentTimeMillis();
        for (Executor e : c.getExecutors()) {
            if (!e.isBusy()) {
                continue;
            }
            long remaining = e.getEstimatedRemainingTimeMillis();
            if (remaining < 0 || now + remaining > actionTime.toEpochMilli() - FINISH_MARGIN_MS) {
                return false;
            }
        }
        return true;
    }
}
