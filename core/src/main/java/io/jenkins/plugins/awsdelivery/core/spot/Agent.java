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
    private final String template;
    /** Builds the agent takes before it drains; 0 for no limit. Follows the template when the cloud is saved. */
    private int maxTotalUses;
    private int buildsAccepted;
    private AgentState state = AgentState.LAUNCHING;
    private int busyExecutors;
    private Instant connectedAt;
    private Instant idleSince;
    private InterruptionNotice notice;
    private Instant retiringSince;
    /** When the controller handed the instance its secret, and what its boot script said of its boot (not kept). */
    private transient Instant secretIssuedAt;
    private transient BootReport bootReport;
    /** When busy executors are expected to be free (epoch milliseconds), from the last report's estimates. */
    private transient long[] expectedFreeAt = new long[0];

    Agent(String instanceId, Pool pool, Market market, Instant launchedAt, int executors, boolean adopted) {
        this(instanceId, pool, market, launchedAt, executors, adopted, AgentTemplate.DEFAULT_NAME, 0);
    }

    Agent(String instanceId, Pool pool, Market market, Instant launchedAt, int executors, boolean adopted,
          String template, int maxTotalUses) {
        this.instanceId = instanceId;
        this.pool = pool;
        this.market = market;
        this.launchedAt = launchedAt;
        this.executors = executors;
        this.adopted = adopted;
        this.template = template;
        this.maxTotalUses = Math.max(0, maxTotalUses);
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

    /** The name of the template the agent was launched for (its instance's {@code TAG_TEMPLATE} tag). */
    public String templateName() {
        return template == null ? AgentTemplate.DEFAULT_NAME : template; // an agent saved before templates existed
    }

    /** Builds the agent takes before it drains and is terminated; 0 for no limit. */
    public int maxTotalUses() {
        return maxTotalUses;
    }

    /** Builds the agent has taken since it connected, as last reported (never fewer than its busy executors). */
    public int buildsAccepted() {
        return buildsAccepted;
    }

    /** How many more builds the agent may take: {@link Integer#MAX_VALUE} without a limit. */
    public int usesLeft() {
        return maxTotalUses == 0 ? Integer.MAX_VALUE : Math.max(0, maxTotalUses - buildsAccepted);
    }

    /** True when the agent has taken all the builds its template allows: it drains and goes once idle. */
    public boolean usedUp() {
        return maxTotalUses > 0 && buildsAccepted >= maxTotalUses;
    }

    /** Executors that could take a build now: free ones, but no more than the uses left. */
    int freeCapacity() {
        return Math.min(Math.max(0, executors - busyExecutors), usesLeft());
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

    /** True while the agent counts toward capacity the planner can rely on; a used-up agent never does. */
    boolean providesCapacity() {
        return (state == AgentState.LAUNCHING || state == AgentState.ONLINE) && !usedUp();
    }

    /**
     * True while the agent holds a place under the maximum: when it provides capacity, drains under a rebalance
     * recommendation (it may run its builds for a long time) or runs the last builds its uses allow. An agent
     * under an interruption warning does not (it is gone within two minutes).
     */
    boolean countsTowardMaximum() {
        if (providesCapacity() || rebalancing()) {
            return true;
        }
        return usedUp() && notice == null && (state == AgentState.ONLINE || state == AgentState.DRAINING);
    }

    /** Takes the template's (possibly changed) limit; an agent that has used it up drains. */
    void maxTotalUses(int uses) {
        this.maxTotalUses = Math.max(0, uses);
        drainWhenUsedUp();
    }

    private void drainWhenUsedUp() {
        if (usedUp() && (state == AgentState.ONLINE || state == AgentState.LAUNCHING
                || state == AgentState.RETIRING)) {
            state = AgentState.DRAINING;
        }
    }

    void state(AgentState state) {
        this.state = state;
    }

    void secretIssued(Instant at, BootReport report) {
        if (secretIssuedAt == null) {
            secretIssuedAt = at;
            bootReport = report;
        }
    }

    /**
     * Where the time from launch to connection went, once connected after its secret was handed out here: empty
     * for an adopted agent, or one connected without a secret from this controller (a restart in between).
     */
    Optional<BootPhases.Sample> bootSample() {
        if (adopted || connectedAt == null || secretIssuedAt == null) {
            return Optional.empty();
        }
        return Optional.of(BootPhases.Sample.of(launchedAt, secretIssuedAt, connectedAt, bootReport));
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
            Instant since = report.connectedSince();
            // The caller's connect time when it is plausible (after the launch and the secret, not in the future).
            Instant earliest = secretIssuedAt != null ? secretIssuedAt : launchedAt;
            connectedAt = since != null && !since.isAfter(now) && !since.isBefore(earliest) ? since : now;
        }
        if (report.connected() && state == AgentState.LAUNCHING) {
            state = AgentState.ONLINE;
        }
        int before = busyExecutors;
        busyExecutors = Math.max(0, report.busyExecutors());
        // Work assigned to an executor was accepted, whether or not the caller counts builds.
        buildsAccepted = Math.max(buildsAccepted, Math.max(report.buildsAccepted(), busyExecutors));
        expectedFreeAt = report.estimatedRemaining().stream().mapToLong(d -> now.plus(d).toEpochMilli()).toArray();
        if (busyExecutors > 0) {
            idleSince = null;
        } else if (before > 0 || idleSince == null) {
            idleSince = now;
        }
        drainWhenUsedUp();
    }

    void notice(InterruptionNotice notice) {
        this.notice = notice;
    }

    @Override
    public String toString() {
        return instanceId + " (" + pool + ", " + market.apiValue() + ", " + state.name().toLowerCase()
                + (AgentTemplate.DEFAULT_NAME.equals(templateName()) ? "" : ", template " + template) + ")";
    }
}
