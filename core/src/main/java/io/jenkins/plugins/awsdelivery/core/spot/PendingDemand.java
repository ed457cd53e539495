package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Demand Jenkins' provisioner asked a cloud for, as placeholders ("planned nodes") it counts as capacity on the
 * way. Recording never calls EC2 and never waits for the engine: the cloud's own thread steps the engine later
 * and fills the oldest placeholders with the agents it launched. Placeholders the engine did not fill within
 * {@code patience} expire, so Jenkins asks again.
 *
 * @param <P> the placeholder (a planned node's future)
 */
public final class PendingDemand<P> {

    private record Slot<P>(P placeholder, Instant at) {
    }

    private final Deque<Slot<P>> slots = new ArrayDeque<>();
    private final Duration patience;

    public PendingDemand(Duration patience) {
        this.patience = patience;
    }

    /**
     * Records work Jenkins sees no capacity for, and returns the new placeholders: one per agent the work needs
     * beyond those already pending, within the cloud's free room.
     *
     * @param freeAgents how many more agents the cloud may have, pending ones included
     */
    public synchronized List<P> record(int excessWorkload, int executorsPerAgent, int freeAgents, Instant now,
                                       Supplier<P> create) {
        int wanted = (Math.max(0, excessWorkload) + executorsPerAgent - 1) / Math.max(1, executorsPerAgent);
        int room = Math.max(0, freeAgents - slots.size());
        List<P> out = new ArrayList<>();
        for (int i = 0; i < Math.min(wanted, room); i++) {
            P p = create.get();
            slots.addLast(new Slot<>(p, now));
            out.add(p);
        }
        return out;
    }

    /** The oldest placeholder, for an agent just launched; empty when none is waiting. */
    public synchronized Optional<P> fill() {
        Slot<P> s = slots.pollFirst();
        return s == null ? Optional.empty() : Optional.of(s.placeholder());
    }

    /** Placeholders older than the patience, removed; the caller fails them so Jenkins plans again. */
    public synchronized List<P> expire(Instant now) {
        List<P> out = new ArrayList<>();
        while (!slots.isEmpty() && slots.peekFirst().at().plus(patience).isBefore(now)) {
            out.add(slots.pollFirst().placeholder());
        }
        return out;
    }

    /** Every placeholder, removed (the cloud stops or holds its launches). */
    public synchronized List<P> drain() {
        List<P> out = new ArrayList<>();
        slots.forEach(s -> out.add(s.placeholder()));
        slots.clear();
        return out;
    }

    public synchronized int size() {
        return slots.size();
    }
}
