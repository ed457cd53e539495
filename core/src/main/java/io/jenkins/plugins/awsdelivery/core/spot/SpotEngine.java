package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Spot agent provisioning engine of one cloud. The caller (the Jenkins cloud, or the simulator) calls
 * {@link #step} every few seconds with the queued demand and what it knows of each agent, hands it interruption
 * notices as they arrive, and mirrors what each step reports. The engine holds no thread and blocks on nothing but
 * the EC2 calls a step decides to make.
 *
 * <p>Each agent template is planned and launched on its own (one CreateFleet per template that needs agents), under
 * the cloud-wide maximum. An agent that has taken its template's maximum total uses drains and is terminated as
 * soon as it is idle.
 *
 * <p>API economy: launches are one CreateFleet for every pool of a template; reconciliation (DescribeInstances by
 * tag) runs every 5 minutes, backing off to 30 minutes while nothing changes; terminations are batched; Spot prices
 * are fetched at most hourly. When EC2 throttles (after the SDK's own retries), every call waits, longer each time.
 */
public final class SpotEngine {

    static final Duration RECONCILE_MIN = Duration.ofMinutes(5);
    static final Duration RECONCILE_MAX = Duration.ofMinutes(30);
    /** DescribeInstances is eventually consistent: a fresh instance may not be listed yet. */
    static final Duration LISTING_GRACE = Duration.ofMinutes(2);
    /** How long launching pauses after an account limit error. */
    static final Duration LIMIT_PAUSE = Duration.ofMinutes(15);
    /** The first pause after a launch that failed outright (denied, bad template); doubles up to LIMIT_PAUSE. */
    static final Duration FAILURE_PAUSE = Duration.ofMinutes(1);
    /** Launch to connection assumed before the first agent has connected. */
    static final Duration DEFAULT_LEAD_TIME = Duration.ofSeconds(90);
    /** Work expected to end later than this never holds back a launch, however slow agents have been to connect. */
    static final Duration MAX_LEAD_TIME = Duration.ofMinutes(5);

    private volatile SpotFleetConfig config;
    private volatile FleetApi api;
    private final Clock clock;
    private final Random random;
    private final OnDemandPrices onDemandPrices;
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final PoolCooldowns cooldowns = new PoolCooldowns();
    private final FleetPlanner planner = new FleetPlanner();
    private FleetLauncher launcher;
    /** Former names of the cloud whose instances it takes over at its next reconciliation. */
    private final Set<String> formerNames = new java.util.LinkedHashSet<>();
    /** Why launching is held by the caller (Jenkins quieting down), or null. */
    private volatile String launchesHeld;
    private final SpotPriceCache spotPrices = new SpotPriceCache();
    private final SpotMetrics.Counters counters = new SpotMetrics.Counters();
    /** Warm capacity: the arrival forecast, what it keeps ready and what that costs. */
    private final WarmCapacity warm = new WarmCapacity();
    private final String tokenPrefix;
    private long tokenSequence;
    /** Launch template ID (or name) per agent template, found or made at its first launch. */
    private final Map<String, String> launchTemplateIds = new HashMap<>();
    private Instant nextReconcile;
    private Duration reconcileInterval = RECONCILE_MIN;
    /** Until when every launch pauses (an account limit), and why. */
    private Instant launchesPausedUntil = Instant.MIN;
    private String pauseReason = "";
    /** Templates whose launch failed outright: each waits on its own, so one broken template holds no other. */
    private final Map<String, TemplatePause> templatePauses = new HashMap<>();
    private Instant terminationsPausedUntil = Instant.MIN;
    private int throttleLevel;
    private Instant throttledUntil = Instant.MIN;
    private Instant lastStep;
    private boolean reconciled;
    /** Which agents take work, published after every change: read without the engine's lock. */
    private volatile Map<String, Boolean> acceptance = Map.of();

    /** A template's launches paused after a failure: until when, why, and how long the next pause is. */
    private static final class TemplatePause {
        Instant until = Instant.MIN;
        String reason = "";
        Duration next = FAILURE_PAUSE;
    }

    public SpotEngine(SpotFleetConfig config, FleetApi api, Clock clock, Random random, OnDemandPrices prices) {
        this.config = config;
        this.api = api;
        this.clock = clock;
        this.random = random;
        this.onDemandPrices = prices;
        this.launcher = new FleetLauncher(config, api, cooldowns);
        // Client tokens must differ across controller restarts, or EC2 would answer a new launch with an old one.
        this.tokenPrefix = config.cloudName() + "-" + Long.toString(clock.millis(), 36);
        // Reconcile at the first step: it adopts what a previous controller run launched.
        this.nextReconcile = clock.instant();
    }

    public SpotFleetConfig config() {
        return config;
    }

    /**
     * Takes a saved configuration, or clients rebuilt after the AWS settings changed, without losing any state:
     * agents, draining and retiring phases, notices, cooldowns and metrics stay. The cloud's name and controller,
     * which tag its instances, cannot change here: a cloud with another identity gets an engine of its own.
     */
    public synchronized void reconfigure(SpotFleetConfig newConfig, FleetApi newApi) {
        if (!newConfig.cloudName().equals(config.cloudName())
                || !newConfig.controllerId().equals(config.controllerId())) {
            throw new IllegalArgumentException("An engine keeps its cloud name and controller ID");
        }
        this.config = newConfig;
        this.api = newApi;
        this.launcher = new FleetLauncher(newConfig, newApi, cooldowns);
        // A template's launch template or AMI may have changed: find or make them again at the next launch.
        launchTemplateIds.clear();
        // A saved configuration may fix what paused launching (a template, a role, a lower maximum): try at once.
        templatePauses.clear();
        launchesPausedUntil = Instant.MIN;
        pauseReason = "";
        for (Agent a : agents.values()) {
            newConfig.template(a.templateName()).ifPresent(t -> a.maxTotalUses(t.maxTotalUses()));
        }
        publish();
    }

    /**
     * The cloud was renamed: at the next reconciliation (made due now) its instances still tagged with a former
     * name are tagged with the current one and adopted, with their agents' state.
     */
    public synchronized void adoptFormerNames(Collection<String> names) {
        names.stream().filter(n -> !n.equals(config.cloudName())).forEach(formerNames::add);
        if (!formerNames.isEmpty()) {
            nextReconcile = clock.instant();
        }
    }

    /** Holds every launch (reason given) or lets them go again (null). Never waits for a step in progress. */
    public void holdLaunches(String reason) {
        this.launchesHeld = reason;
    }

    /** Every agent the engine knows, terminated ones excluded. */
    public synchronized List<Agent> agents() {
        return agents.values().stream().filter(a -> a.state() != AgentState.TERMINATED).toList();
    }

    public synchronized Optional<Agent> agent(String instanceId) {
        return Optional.ofNullable(agents.get(instanceId));
    }

    /**
     * True while the agent should be given builds (launching or online; not retiring, not under notice); true for
     * an instance the engine does not know yet. Never blocks: Jenkins asks this while holding its queue lock, and a
     * step may be waiting on EC2.
     */
    public boolean acceptsWork(String instanceId) {
        return acceptance.getOrDefault(instanceId, true);
    }

    private void publish() {
        Map<String, Boolean> m = new HashMap<>();
        // An agent whose template the configuration no longer has takes no work: it retires once idle.
        agents.values().forEach(a -> m.put(a.instanceId(), config.template(a.templateName()).isPresent()
                && (a.acceptingWork() || a.state() == AgentState.LAUNCHING)));
        acceptance = Map.copyOf(m);
    }

    /** One instance as EC2 reports it now (one DescribeInstances call, counted), for the agent bootstrap. */
    public Optional<FleetApi.ManagedInstance> describe(String instanceId) {
        synchronized (this) {
            counters.call("Ec2.DescribeInstances");
        }
        return api.describeInstance(instanceId);
    }

    /** True once a reconciliation has listed the cloud's instances: the engine knows every one of them. */
    public synchronized boolean hasReconciled() {
        return reconciled;
    }

    /** Why launching is paused (an account limit, or a launch that failed outright), or empty. */
    public synchronized Optional<String> pausedBecause() {
        Instant now = clock.instant();
        if (now.isBefore(launchesPausedUntil)) {
            return Optional.of(pauseReason);
        }
        List<String> reasons = new ArrayList<>();
        for (AgentTemplate t : config.templates()) {
            TemplatePause p = templatePauses.get(t.name());
            if (p != null && now.isBefore(p.until)) {
                reasons.add(p.reason);
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    public synchronized SpotMetrics metrics() {
        return SpotMetrics.of(agents.values(), counters, warm.metrics(config, clock.instant()));
    }

    /**
     * {@code count} builds for {@code label} ("" for work that runs on any agent) entered the queue now: what the
     * arrival forecast learns from. Call it for every new build (not for a build rerun after an interruption).
     */
    public synchronized void arrived(String label, int count) {
        warm.arrived(label, clock.instant(), count);
    }

    /** A build started on {@code instanceId} after waiting {@code waited} in the queue (for the warm metrics). */
    public synchronized void buildStarted(String instanceId, Duration waited) {
        warm.buildStarted(instanceId, waited);
    }

    /**
     * The controller handed {@code instanceId} its secret at {@code at}; {@code report} is what its boot script
     * said of its boot. Feeds the boot-time breakdown ({@link SpotMetrics#boot()}).
     */
    public synchronized void secretIssued(String instanceId, Instant at, Optional<BootReport> report) {
        Agent a = agents.get(instanceId);
        if (a != null) {
            a.secretIssued(at, report.orElse(null));
        }
    }

    /** True while the agent is warm: launched or kept for the forecast and not used yet. */
    public synchronized boolean isWarm(String instanceId) {
        return warm.isWarm(instanceId);
    }

    /** The arrival history as a compact string, to persist across restarts ({@link ArrivalForecast#snapshot()}). */
    public synchronized String forecastSnapshot() {
        return warm.forecast().snapshot();
    }

    /** Warm capacity's cost ledger (a week of base cost, a day of warm cost), to persist across restarts. */
    public synchronized String warmLedgerSnapshot() {
        return warm.ledger().snapshot();
    }

    /**
     * Takes a persisted cost ledger back, so that a percentage budget does not start from nothing after a restart.
     *
     * @throws IllegalArgumentException when the text is not a ledger this version wrote (the ledger is kept)
     */
    public synchronized void restoreWarmLedger(String snapshot) {
        warm.ledger(WarmLedger.restore(snapshot));
    }

    /**
     * Takes a persisted arrival history back.
     *
     * @throws IllegalArgumentException when the text is not a history this version wrote (the forecast is kept)
     */
    public synchronized void restoreForecast(String snapshot) {
        warm.forecast(ArrivalForecast.restore(snapshot));
    }

    /** One provisioning step: apply the reports, terminate what is done, reconcile when due, plan and launch. */
    public synchronized EngineStep step(Demand demand, Collection<AgentReport> reports) {
        Instant now = clock.instant();
        List<String> messages = new ArrayList<>();
        List<Agent> terminated = new ArrayList<>();
        List<Agent> lost = new ArrayList<>();
        List<Agent> adopted = new ArrayList<>();
        List<Agent> launched = new ArrayList<>();
        List<Agent> retiring = new ArrayList<>();

        applyReports(reports, now);
        accrueSavings(now);
        warm.charge(lastStep, now, agents.values(), this::pricePerHour);
        warm.afterReports(agents.values(), now, leadTime(), this::pricePerHour,
                t -> config.template(t).map(x -> demand.queuedFor(config, x)).orElse(0));
        boolean throttled = now.isBefore(throttledUntil);

        if (!throttled && !now.isBefore(terminationsPausedUntil)) {
            terminateFinished(now, terminated, messages);
        }
        if (!throttled && !now.isBefore(nextReconcile)) {
            reconcile(now, adopted, lost, messages);
        }
        Duration lead = leadTime();
        FleetPlanner.Plan plan = planner.plan(config, demand, agents.values(), now, lead);
        // Warm capacity (off unless configured): the same plan with the executors the forecast wants ready.
        WarmCapacity.Decision warmDecision = warm.plan(config, demand, agents.values(), now, lead, planner, plan,
                this::pricePerHour, typicalPricePerHour());
        plan = warmDecision.plan();
        String planText = plan.reason() + (warmDecision.text().isEmpty() ? "" : "; " + warmDecision.text());
        if (plan.launchUnits() > 0) {
            String held = launchesHeld;
            if (held != null) {
                planText += "; launching held: " + held;
            } else if (throttled) {
                planText += "; waiting until " + throttledUntil + " because EC2 throttled this account";
            } else if (now.isBefore(launchesPausedUntil)) {
                planText += "; launching paused until " + launchesPausedUntil + ": " + pauseReason;
            } else {
                planText += launch(plan, now, launched, messages);
                warm.launched(warmDecision.warmLaunchUnits(), launched, now);
            }
        }
        for (Agent a : plan.retire()) {
            a.retire(now);
            retiring.add(a);
        }
        refreshSpotPrices(now);
        agents.values().removeIf(a -> a.state() == AgentState.TERMINATED);
        warm.retain(agents.values());
        lastStep = now;
        publish();
        return new EngineStep(launched, adopted, retiring, terminated, lost, messages, planText);
    }

    /**
     * How long a new agent takes to connect: the median launch latency of the last launches, or {@link
     * #DEFAULT_LEAD_TIME} before the first one; at most {@link #MAX_LEAD_TIME}. Work expected to end sooner than
     * this does not launch an agent.
     */
    synchronized Duration leadTime() {
        if (counters.latencies.isEmpty()) {
            return DEFAULT_LEAD_TIME;
        }
        return Duration.ofSeconds(Math.min(counters.latencyPercentile(50), MAX_LEAD_TIME.toSeconds()));
    }

    /**
     * Interruption notices and rebalance recommendations, from agents (IMDS) or a queue. An agent under notice
     * stops taking work at once; the step after it launches a replacement if the queue still needs one.
     */
    public synchronized List<Interruption> onNotices(Collection<InterruptionNotice> notices) {
        List<Interruption> out = new ArrayList<>();
        for (InterruptionNotice n : notices) {
            Agent a = agents.get(n.instanceId());
            if (a == null || a.state() == AgentState.TERMINATED) {
                continue;
            }
            boolean escalation = a.notice().map(old -> old.kind() == NoticeKind.REBALANCE
                    && n.kind() == NoticeKind.INTERRUPTION).orElse(false);
            if (a.state() == AgentState.DRAINING && a.notice().isPresent() && !escalation) {
                continue; // the same notice again (IMDS keeps answering it until the end)
            }
            a.notice(n);
            a.state(AgentState.DRAINING);
            if (n.kind() == NoticeKind.INTERRUPTION) {
                counters.interruptions++;
            } else {
                counters.rebalances++;
            }
            out.add(new Interruption(a, n, a.busyExecutors()));
        }
        publish();
        return out;
    }

    /** Receives from a notice source (one long poll), counts its calls and applies what it found. */
    public List<Interruption> pollNotices(NoticeSource source, List<String> problems) {
        NoticeSource.Batch batch = source.receive();
        synchronized (this) {
            batch.calls().forEach(counters::call);
        }
        problems.addAll(batch.problems());
        return onNotices(batch.notices());
    }

    private void applyReports(Collection<AgentReport> reports, Instant now) {
        for (AgentReport r : reports) {
            Agent a = agents.get(r.instanceId());
            if (a == null) {
                continue;
            }
            boolean wasConnected = a.connectedAt().isPresent();
            a.report(r, now);
            if (!wasConnected && a.connectedAt().isPresent() && !a.adopted()) {
                counters.latency(a.launchLatency().orElse(Duration.ZERO).toSeconds());
                a.bootSample().ifPresent(counters.boot::add);
            }
            if (a.state() == AgentState.RETIRING && a.busy()) {
                // Work reached it before it went offline: keep it, it is no longer idle.
                a.state(AgentState.ONLINE);
            }
        }
    }

    private void terminateFinished(Instant now, List<Agent> terminated, List<String> messages) {
        List<Agent> done = new ArrayList<>();
        for (Agent a : agents.values()) {
            if (a.busy()) {
                continue; // never an agent with work
            }
            boolean retired = a.state() == AgentState.RETIRING
                    && a.retiringSince().map(now::isAfter).orElse(false);
            boolean drained = a.state() == AgentState.DRAINING;
            if (drained && a.usedUp() && a.notice().isEmpty()) {
                messages.add("Agent " + a.instanceId() + " took its " + a.maxTotalUses() + " build(s) (maximum "
                        + "total uses of template " + a.templateName() + "): terminated.");
            }
            boolean orphan = a.state() == AgentState.LAUNCHING && a.connectedAt().isEmpty()
                    && !a.launchedAt().plus(config.connectTimeout()).isAfter(now);
            if (retired || drained || orphan) {
                done.add(a);
                if (orphan) {
                    counters.orphans++;
                    messages.add("Instance " + a.instanceId() + " did not connect as an agent within "
                            + config.connectTimeout().toMinutes() + " min: terminated. Check its user data and the "
                            + "network path to the controller.");
                }
            }
        }
        if (done.isEmpty()) {
            return;
        }
        List<String> ids = done.stream().map(Agent::instanceId).toList();
        if (callApi("Ec2.TerminateInstances", () -> {
            api.terminateInstances(ids);
            return true;
        }, messages) != null) {
            counters.usedUp += done.stream().filter(a -> a.usedUp() && a.notice().isEmpty()).count();
            done.forEach(a -> a.state(AgentState.TERMINATED));
            terminated.addAll(done);
        } else {
            // Refused (or throttled): try again in a minute, not at every step.
            terminationsPausedUntil = now.plus(FAILURE_PAUSE);
        }
    }

    private void reconcile(Instant now, List<Agent> adopted, List<Agent> lost, List<String> messages) {
        List<FleetApi.ManagedInstance> listed = callApi("Ec2.DescribeInstances",
                () -> api.describeManagedInstances(config.controllerId(), config.cloudName()), messages);
        if (listed != null && !formerNames.isEmpty()) {
            listed = new ArrayList<>(listed);
            if (!takeOverFormerNames(listed, messages)) {
                listed = null;
            }
        }
        if (listed == null) {
            nextReconcile = now.plus(jittered(RECONCILE_MIN)); // not every step while EC2 refuses
            return;
        }
        reconciled = true;
        boolean changed = false;
        Set<String> ids = new HashSet<>();
        for (FleetApi.ManagedInstance i : listed) {
            ids.add(i.instanceId());
            if (!agents.containsKey(i.instanceId())) {
                // An instance launched before templates existed has no template tag: it is the first template's.
                String name = i.tags().getOrDefault(SpotFleetConfig.TAG_TEMPLATE,
                        config.templates().get(0).name());
                Optional<AgentTemplate> template = config.template(name);
                Agent a = template.map(t -> newAgent(i.instanceId(), i.pool(), i.market(),
                                i.launchTime() == null ? now : i.launchTime(), true, t))
                        .orElseGet(() -> new Agent(i.instanceId(), i.pool(), i.market(),
                                i.launchTime() == null ? now : i.launchTime(), config.templateListing(i.pool()
                                        .instanceType()).map(t -> t.executorsPerAgent() * t.weightOf(i.pool()
                                        .instanceType())).orElse(1), true, name, 0));
                if (template.isEmpty()) {
                    messages.add("Instance " + i.instanceId() + " was launched for template " + name + ", which "
                            + "the cloud no longer has: it is terminated once idle.");
                }
                agents.put(a.instanceId(), a);
                adopted.add(a);
                changed = true;
            }
        }
        for (Agent a : agents.values()) {
            if (a.state() != AgentState.TERMINATED && !ids.contains(a.instanceId())
                    && !a.launchedAt().plus(LISTING_GRACE).isAfter(now)) {
                a.state(AgentState.TERMINATED);
                lost.add(a);
                counters.lost++;
                changed = true;
                messages.add("Instance " + a.instanceId() + " is gone" + a.notice()
                        .map(n -> " after " + n.describe()).orElse(" (terminated outside this cloud)") + ".");
            }
        }
        reconcileInterval = changed ? RECONCILE_MIN : min(reconcileInterval.multipliedBy(2), RECONCILE_MAX);
        nextReconcile = now.plus(jittered(reconcileInterval));
    }

    /** Retags the instances of former names and adds them to the listing; false when EC2 refused. */
    private boolean takeOverFormerNames(List<FleetApi.ManagedInstance> listed, List<String> messages) {
        for (String former : List.copyOf(formerNames)) {
            List<FleetApi.ManagedInstance> theirs = callApi("Ec2.DescribeInstances",
                    () -> api.describeManagedInstances(config.controllerId(), former), messages);
            if (theirs == null) {
                return false;
            }
            List<String> ids = theirs.stream().map(FleetApi.ManagedInstance::instanceId).toList();
            if (!ids.isEmpty() && callApi("Ec2.CreateTags", () -> {
                api.retag(ids, config.cloudName());
                return Boolean.TRUE;
            }, messages) == null) {
                return false;
            }
            listed.addAll(theirs);
            formerNames.remove(former);
            if (!ids.isEmpty()) {
                messages.add("Took over " + ids.size() + " instance(s) of former cloud name " + former + ": "
                        + String.join(", ", ids) + ".");
            }
        }
        return true;
    }

    private Agent newAgent(String instanceId, Pool pool, Market market, Instant launchedAt, boolean adopted,
                           AgentTemplate t) {
        return new Agent(instanceId, pool, market, launchedAt, t.executorsPerAgent() * t.weightOf(pool.instanceType()),
                adopted, t.name(), t.maxTotalUses());
    }

    /**
     * One CreateFleet (and its retries) per template the plan launches for, until one hits an account limit or
     * throttling; a template paused after a failure of its own waits. Returns what to add to the plan's text.
     */
    private String launch(FleetPlanner.Plan plan, Instant now, List<Agent> launched, List<String> messages) {
        StringBuilder text = new StringBuilder();
        for (FleetPlanner.Launch l : plan.launches()) {
            Optional<AgentTemplate> template = config.template(l.template());
            if (template.isEmpty()) {
                continue;
            }
            TemplatePause pause = templatePauses.get(l.template());
            if (pause != null && now.isBefore(pause.until)) {
                text.append("; launching paused until ").append(pause.until).append(": ").append(pause.reason);
                continue;
            }
            if (!launch(template.get(), l.units(), l.onDemandUnits(), now, launched, messages)) {
                break;
            }
        }
        return text.toString();
    }

    /** Launches for one template; false when every launch must stop for this step (a limit, throttling). */
    private boolean launch(AgentTemplate t, int units, int onDemandUnits, Instant now, List<Agent> launched,
                           List<String> messages) {
        String prefix = config.templates().size() > 1 ? "Template " + t.name() + ": " : "";
        String templateId = launchTemplateIds.get(t.name());
        if (templateId == null) {
            templateId = t.usesAmi()
                    ? callApi("Ec2.EnsureLaunchTemplate", () -> api.ensureLaunchTemplate(config, t), messages)
                    : t.launchTemplateId().orElseGet(() -> t.launchTemplateName().orElse(null));
            if (templateId == null) {
                if (throttled(now)) {
                    return false;
                }
                pauseAfterFailure(t, now, prefix + (messages.isEmpty() ? "the launch template could not be made"
                        : messages.get(messages.size() - 1)), messages);
                return true;
            }
            launchTemplateIds.put(t.name(), templateId);
        }
        String launchTemplate = templateId;
        Supplier<String> tokens = () -> {
            counters.call("Ec2.CreateFleet");
            return tokenPrefix + "-" + (++tokenSequence);
        };
        FleetLauncher.Outcome outcome;
        try {
            outcome = launcher.launch(t, launchTemplate, units, onDemandUnits, now, tokens);
            throttleLevel = Math.max(0, throttleLevel - 1);
            templatePauses.remove(t.name());
        } catch (StageException e) {
            handleFailure(e, now, messages);
            if (e.getCause() != null && AwsErrors.isThrottling(e.getCause())) {
                return false;
            }
            pauseAfterFailure(t, now, prefix + e.describe(), messages);
            return true;
        }
        for (FleetApi.LaunchedInstance i : outcome.launched()) {
            Agent a = newAgent(i.instanceId(), i.pool(), i.market(), now, false, t);
            agents.put(a.instanceId(), a);
            launched.add(a);
            if (i.market() == Market.SPOT) {
                counters.spotLaunches++;
            } else {
                counters.onDemandLaunches++;
            }
        }
        counters.fallbackLaunches += outcome.fallbackUnits();
        if (!outcome.launched().isEmpty()) {
            // New instances: look for them (and for surprises) sooner.
            reconcileInterval = RECONCILE_MIN;
            nextReconcile = min(nextReconcile, now.plus(RECONCILE_MIN));
        }
        if (!outcome.cooled().isEmpty()) {
            messages.add(prefix + "No capacity in " + outcome.cooled() + ": left out for "
                    + config.poolCooldown().toMinutes() + " min.");
        }
        if (outcome.fallbackUnits() > 0) {
            messages.add(prefix + "Spot could not supply " + outcome.fallbackUnits()
                    + " agent(s): launched on demand.");
        }
        outcome.problems().forEach(p -> messages.add(prefix + p));
        if (outcome.limit().isPresent()) {
            FleetApi.PoolError limit = outcome.limit().get();
            counters.launchErrors.merge(limit.code(), 1L, Long::sum);
            if (LaunchErrors.perInstanceFamily(limit.code())) {
                // A vCPU quota is per family of instance types: other templates may use other families.
                TemplatePause p = templatePauses.computeIfAbsent(t.name(), n -> new TemplatePause());
                p.until = now.plus(LIMIT_PAUSE);
                p.reason = prefix + "EC2 refused the launch with " + limit.code() + ": "
                        + StageException.sentence(limit.message()) + " " + LaunchErrors.limitHint(limit.code());
                messages.add(StageException.sentence(p.reason) + " Launching" + (prefix.isEmpty() ? ""
                        : " of template " + t.name()) + " pauses for " + LIMIT_PAUSE.toMinutes() + " min.");
                return true;
            }
            launchesPausedUntil = now.plus(LIMIT_PAUSE);
            pauseReason = "EC2 refused the launch with " + limit.code() + ": " + StageException.sentence(limit.message())
                    + " " + LaunchErrors.limitHint(limit.code());
            messages.add(StageException.sentence(pauseReason) + " Launching pauses for " + LIMIT_PAUSE.toMinutes()
                    + " min.");
            return false;
        }
        if (outcome.missingUnits() > 0) {
            messages.add(prefix + outcome.missingUnits()
                    + " agent(s) could not be launched now; the next step tries again.");
        }
        return true;
    }

    /** A launch that failed outright would fail the same way at every step: wait, longer each time. */
    private void pauseAfterFailure(AgentTemplate t, Instant now, String reason, List<String> messages) {
        TemplatePause p = templatePauses.computeIfAbsent(t.name(), n -> new TemplatePause());
        p.until = now.plus(p.next);
        p.reason = reason;
        messages.add("Launching" + (config.templates().size() > 1 ? " of template " + t.name() : "") + " pauses for "
                + p.next.toSeconds() + " s after: " + reason);
        p.next = min(p.next.multipliedBy(2), LIMIT_PAUSE);
    }

    private boolean throttled(Instant now) {
        return now.isBefore(throttledUntil);
    }

    private void refreshSpotPrices(Instant now) {
        boolean anySpot = agents.values().stream().anyMatch(a -> a.market() == Market.SPOT
                && a.state() != AgentState.TERMINATED);
        if (anySpot && spotPrices.stale(now) && now.isAfter(throttledUntil)) {
            Set<String> types = new HashSet<>();
            agents.values().forEach(a -> types.add(a.pool().instanceType()));
            types.remove(Pool.ANY_TYPE);
            if (!types.isEmpty()) {
                callApi("Ec2.DescribeSpotPriceHistory", () -> {
                    spotPrices.refresh(api, types, now);
                    return true;
                }, new ArrayList<>());
            }
        }
    }

    /**
     * What an agent costs per hour: its type's Spot price (hourly DescribeSpotPriceHistory) or on-demand price;
     * without one, the mean of the prices known, or {@link WarmCapacity#FALLBACK_USD_PER_HOUR}.
     */
    private double pricePerHour(Agent a) {
        String type = a.pool().instanceType();
        Optional<BigDecimal> p = a.market() == Market.SPOT ? spotPrices.pricePerHour(type)
                : onDemandPrices.pricePerHour(type);
        return p.map(BigDecimal::doubleValue).orElseGet(this::typicalPricePerHour);
    }

    /** The mean price of the running agents whose price is known, or the fallback. */
    private double typicalPricePerHour() {
        double sum = 0;
        int n = 0;
        for (Agent a : agents.values()) {
            String type = a.pool().instanceType();
            Optional<BigDecimal> p = a.market() == Market.SPOT ? spotPrices.pricePerHour(type)
                    : onDemandPrices.pricePerHour(type);
            if (p.isPresent() && a.state() != AgentState.TERMINATED) {
                sum += p.get().doubleValue();
                n++;
            }
        }
        return n == 0 ? WarmCapacity.FALLBACK_USD_PER_HOUR : sum / n;
    }

    private void accrueSavings(Instant now) {
        if (lastStep == null || !now.isAfter(lastStep)) {
            return;
        }
        double hours = Duration.between(lastStep, now).toMillis() / 3_600_000.0;
        for (Agent a : agents.values()) {
            if (a.market() != Market.SPOT || a.state() == AgentState.TERMINATED) {
                continue;
            }
            String type = a.pool().instanceType();
            Optional<BigDecimal> od = onDemandPrices.pricePerHour(type);
            Optional<BigDecimal> spot = spotPrices.pricePerHour(type);
            if (od.isPresent() && spot.isPresent()) {
                counters.savingsUsd += od.get().subtract(spot.get()).doubleValue() * hours;
            }
        }
    }

    /** Runs one API call; throttling and failures become messages and slow the engine down, never an exception. */
    private <T> T callApi(String operation, Supplier<T> call, List<String> messages) {
        counters.call(operation);
        try {
            T result = call.get();
            throttleLevel = Math.max(0, throttleLevel - 1);
            return result;
        } catch (StageException e) {
            handleFailure(e, clock.instant(), messages);
            return null;
        }
    }

    private void handleFailure(StageException e, Instant now, List<String> messages) {
        if (e.getCause() != null && AwsErrors.isThrottling(e.getCause())) {
            throttleLevel = Math.min(throttleLevel + 1, 6);
            Duration pause = jittered(Duration.ofSeconds(10L << throttleLevel));
            throttledUntil = now.plus(pause);
            messages.add("EC2 throttled the cloud's calls (RequestLimitExceeded): pausing EC2 calls for "
                    + pause.toSeconds() + " s.");
        } else {
            messages.add(e.describe());
        }
    }

    private Duration jittered(Duration d) {
        long ms = d.toMillis();
        return Duration.ofMillis(ms / 2 + (long) (random.nextDouble() * (ms / 2.0)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
