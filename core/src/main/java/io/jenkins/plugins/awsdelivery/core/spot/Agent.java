package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One instance the engine launched or adopted, and what it knows of its agent. Mutated only by the engine. */
public final class Agent implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String instanceId;
    private final Pool pool;
    private final Market market;
    private final Instant launchedAt;
    private final int executors;
    private final boolean adopted;
    private AgentState state = AgentState.LAUNCHING;
    private int busyExecutors;
    private Instant connectedAt;
    private Instant idleSince;
    private InterruptionNotice notice;
    private Instant retiringSince;
    /** When busy executors are expected to be free (epoch milliseconds), from the last report's estimates. */
    private transient long[] expectedFreeAt = new long[0];

    Agent(String instanceId, Pool pool, Market market, Instant launchedAt, int executors, boolean adopted) {
        this.instanceId = instanceId;
        this.pool = pool;
        this.market = market;
        this.launchedAt = launchedAt;
        this.executors = executors;
        this.adopted = adopted;
    }

    public String instanceId() {
        return instanceId;
    }

    public Pool pool() {
        return pool;
    }

    public Market market() {
        return market;
    }

    public Instant launchedAt() {
        return launchedAt;
    }

    public int executors() {
        return executors;
    }

    /** True for an instance found by reconciliation rather than launched by this engine instance. */
    public boolean adopted() {
        return adopted;
    }

    public AgentState state() {
        return state;
    }

    public int busyExecutors() {
        return busyExecutors;
    }

    public boolean busy() {
        return busyExecutors > 0;
    }

    /**
     * How many busy executors are expected to be free after {@code now} and by {@code by}, from the estimates of the
     * last report. Only an agent taking work counts: an executor freed on an agent under notice, retiring or not
     * connected yet gets no new work. An expected end already past is work overrunning its estimate (or a report
     * that stopped coming): it does not count.
     */
    int freeingBy(Instant now, Instant by) {
        if (!acceptingWork() || expectedFreeAt == null) {
            return 0;
        }
        long from = now.toEpochMilli();
        long limit = by.toEpochMilli();
        int n = 0;
        for (long t : expectedFreeAt) {
            if (t > from && t <= limit) {
                n++;
            }
        }
        return Math.min(n, busyExecutors);
    }

    public Optional<Instant> connectedAt() {
        return Optional.ofNullable(connectedAt);
    }

    /** Time from launch to connection, once connected. */
    public Optional<Duration> launchLatency() {
        return connectedAt == null ? Optional.empty() : Optional.of(Duration.between(launchedAt, connectedAt));
    }

    public Optional<Instant> idleSince() {
        return Optional.ofNullable(idleSince);
    }

    public Optional<InterruptionNotice> notice() {
        return Optional.ofNullable(notice);
    }

    /** True while the agent should be given new work. */
    public boolean acceptingWork() {
        return state == AgentState.ONLINE;
    }

    /** True while the agent drains under a rebalance recommendation only (no interruption warning yet). */
    boolean rebalancing() {
        return state == AgentState.DRAINING && notice != null && notice.kind() == NoticeKind.REBALANCE;
    }

    /** True while the agent counts toward capacity the planner can rely on. */
    boolean providesCapacity() {
        return state == AgentState.LAUNCHING || state == AgentState.ONLINE;
    }

    void state(AgentState state) {
        this.state = state;
    }

    void retire(Instant now) {
        this.state = AgentState.RETIRING;
        this.retiringSince = now;
    }

    Optional<Instant> retiringSince() {
        return Optional.ofNullable(retiringSince);
    }

    void report(AgentReport report, Instant now) {
        if (report.connected() && connectedAt == null) {
            connectedAt = now;
        }
        if (report.connected() && state == AgentState.LAUNCHING) {
            state = AgentState.ONLINE;
        }
        int before = busyExecutors;
        busyExecutors = Math.max(0, report.busyExecutors());
        expectedFreeAt = report.estimatedRemaining().stream().mapToLong(d -> now.plus(d).toEpochMilli()).toArray();
        if (busyExecutors > 0) {
            idleSince = null;
        } else if (before > 0 || idleSince == null) {
            idleSince = now;
        }
    }

    void notice(InterruptionNotice notice) {
        this.notice = notice;
    }

    @Override
    public String toString() {
        return instanceId + " (" + pool + ", " + market.apiValue() + ", " + state.name().toLowerCase() + ")";
    }
}
