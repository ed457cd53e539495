package io.jenkins.plugins.awsdelivery.spot;

import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Executor;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.slaves.NodeProvisioner;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.spot.AgentReport;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer;
import io.jenkins.plugins.awsdelivery.core.spot.AgentState;
import io.jenkins.plugins.awsdelivery.core.spot.CloudIdentity;
import io.jenkins.plugins.awsdelivery.core.spot.Demand;
import io.jenkins.plugins.awsdelivery.core.spot.Ec2FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.IdentityCertificates;
import io.jenkins.plugins.awsdelivery.core.spot.OnDemandPrices;
import io.jenkins.plugins.awsdelivery.core.spot.PendingDemand;
import io.jenkins.plugins.awsdelivery.core.spot.RuntimeRegistry;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import io.jenkins.plugins.awsdelivery.core.spot.SpotMetrics;
import io.jenkins.plugins.awsdelivery.core.spot.SqsInterruptionSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The live side of one Spot cloud identity (name, controller, Region, credentials): its AWS connection, engine,
 * planned nodes and secret issuer. Saving the cloud with the same identity hands this runtime the new cloud object
 * and everything goes on; another identity, or a deleted cloud, retires it: it launches nothing more, drains its
 * agents and stops. Every EC2 call runs on the runtime's own thread ({@link #kick}): Jenkins' provisioner, queue
 * and request threads only record demand or read published state.
 */
public final class SpotCloudRuntime implements RuntimeRegistry.Retirable {

    private static final Logger LOGGER = Logger.getLogger(SpotCloudRuntime.class.getName());
    static final RuntimeRegistry<SpotCloudRuntime> REGISTRY = new RuntimeRegistry<>();
    /** Retired runtimes still draining their agents. */
    private static final Set<SpotCloudRuntime> RETIRING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A planned node the engine did not fill by then fails, and Jenkins plans again. */
    static final Duration PLANNED_PATIENCE = Duration.ofMinutes(3);

    /** Replaced by tests to move time forward. */
    static volatile Clock clock = Clock.systemUTC();

    private final CloudIdentity identity;
    private volatile SpotCloud cloud;
    private final SpotConnection connection = new SpotConnection();
    private volatile SpotEngine engine;
    private volatile String problem;
    private Instant problemAt = Instant.MIN;
    private volatile boolean retired;
    private volatile int knownAgents;
    /** Agents the engine knows, by template name. */
    private volatile Map<String, Integer> knownByTemplate = Map.of();
    private volatile SpotMetrics metrics;
    private final AgentSecretIssuer issuer = AgentSecretIssuer.withBundledCertificates();
    private String trustedExtra = "";
    /** The cloud object the engine's configuration came from: a save brings a new one. */
    private SpotCloud configuredFrom;
    /** Planned nodes Jenkins waits for, by template name: an agent fills a planned node of its own template. */
    private final Map<String, PendingDemand<CompletableFuture<Node>>> pending =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Deque<String> log = new ArrayDeque<>();
    private final SpotNodes nodes = new SpotNodes(this::remember);
    private final SpotWarmHistory warmHistory;
    private final SpotInterruptions interruptions = new SpotInterruptions(this::remember, nodes);
    private final ExecutorService worker;
    private final AtomicBoolean kicked = new AtomicBoolean();

    private SpotCloudRuntime(SpotCloud cloud, CloudIdentity identity) {
        this.cloud = cloud;
        this.identity = identity;
        this.warmHistory = new SpotWarmHistory(identity.name());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "Spot cloud " + identity.name());
            t.setDaemon(true);
            return t;
        });
    }

    /** The runtime of this cloud's identity; a saved cloud with the same identity gets the running one. */
    static SpotCloudRuntime of(SpotCloud cloud) {
        CloudIdentity id = cloud.identity(controllerId());
        SpotCloudRuntime r = REGISTRY.obtain(id, () -> new SpotCloudRuntime(cloud, id));
        if (r.cloud != cloud && Jenkins.get().getCloud(cloud.name) == cloud) {
            r.cloud = cloud; // a saved configuration; a stale object still in some caller's hands changes nothing
        }
        return r;
    }

    /** Stops the runtimes of clouds no longer configured (they drain first). */
    static void retainOnly(Collection<String> cloudNames) {
        REGISTRY.retainOnly(new HashSet<>(cloudNames));
    }

    /** The running runtime of a cloud name, or one still draining after its cloud was deleted; null if none. */
    static SpotCloudRuntime forCloudName(String name) {
        SpotCloudRuntime r = REGISTRY.find(name);
        if (r != null) {
            return r;
        }
        return RETIRING.stream().filter(x -> x.identity.name().equals(name) && !x.isStopped()).findFirst()
                .orElse(null);
    }

    /** Stops the runtime of a cloud's former name, if one runs, without draining its agents. */
    static void handOver(String formerName) {
        SpotCloudRuntime old = forCloudName(formerName);
        if (old != null) {
            old.stop();
        }
    }

    static Set<SpotCloudRuntime> retiring() {
        return Set.copyOf(RETIRING);
    }

    static String controllerId() {
        return Jenkins.get().getLegacyInstanceId();
    }

    /** For the configuration form's test: core's check, a dry-run CreateFleet of one instance from every pool. */
    static String dryRun(SpotCloud c) {
        try (AwsClientFactory factory = new AwsClientFactory(SpotConnection.settings(c))) {
            SpotCheckResult r = SpotCheckResult.check(c.toConfig(controllerId()),
                    new Ec2FleetApi(factory, Clock.systemUTC()), factory.calls());
            return r.dryRun() + " (" + r.instances().size() + " instance(s) of this cloud running)";
        } catch (AbortException e) {
            throw StageException.invalidInput(e.getMessage(), "");
        }
    }

    /** Jenkins stops: every runtime's thread and clients stop with it (instances keep running, adopted later). */
    @hudson.init.Terminator
    public static void stopAll() {
        List<SpotCloudRuntime> all = new ArrayList<>(REGISTRY.retainOnly(Set.of()));
        all.addAll(RETIRING);
        all.forEach(SpotCloudRuntime::stop);
    }

    boolean isStopped() {
        return worker.isShutdown();
    }

    CloudIdentity identity() {
        return identity;
    }

    boolean isRetired() {
        return retired;
    }

    @Override
    public void retire() {
        retired = true;
        if (isStopped()) {
            return; // handed over to a renamed cloud
        }
        SpotEngine e = engine;
        if (e != null) {
            e.holdLaunches("cloud " + identity.name() + " was deleted or its identity changed");
        }
        drainPending().forEach(f -> f.cancel(false));
        RETIRING.add(this);
        remember("Retired: launches nothing more, drains its agents, then stops");
        kick();
    }

    /** Why the cloud cannot work (a configuration error), or null. */
    public String getProblem() {
        return problem;
    }

    /** Never waits for a step in progress: the status page reads the figures published after the last change. */
    public SpotMetrics getMetrics() {
        return metrics;
    }

    public synchronized List<String> getRecentMessages() {
        return new ArrayList<>(log);
    }

    public long getSecretsGranted() {
        return issuer.granted();
    }

    /** Refused secret requests by reason, e.g. {BAD_SIGNATURE=3}. */
    public Map<AgentSecretIssuer.Refusal, Long> getSecretRefusals() {
        return issuer.refusals();
    }

    /** True while the agent should take builds. Called under Jenkins' queue lock: reads published state only. */
    boolean acceptsWork(String instanceId) {
        SpotEngine e = engine;
        return e == null ? problem == null : e.acceptsWork(instanceId);
    }

    /**
     * Jenkins' provisioner asks for capacity: records the demand and returns planned nodes at once; the runtime's
     * thread launches and fills them. No EC2 call, no engine lock.
     */
    List<NodeProvisioner.PlannedNode> provision(SpotAgentTemplate template, int excessWorkload) {
        SpotCloud c = cloud;
        if (retired || problem != null || launchesHeldBecause() != null) {
            return List.of();
        }
        int free = c.getMaxAgents() - knownAgents;
        if (template.getMaxAgents() > 0) {
            free = Math.min(free, template.getMaxAgents() - knownByTemplate.getOrDefault(template.getName(), 0));
        }
        // An agent of a template with maximum total uses takes no more builds than that, whatever its executors.
        int executors = Math.max(1, template.getMaxTotalUses() > 0
                ? Math.min(template.getNumExecutors(), template.getMaxTotalUses()) : template.getNumExecutors());
        List<NodeProvisioner.PlannedNode> planned = new ArrayList<>();
        for (CompletableFuture<Node> f : pending(template.getName()).record(excessWorkload, executors, free,
                clock.instant(), CompletableFuture::new)) {
            planned.add(new NodeProvisioner.PlannedNode("Spot agent of " + identity.name() + " ("
                    + template.getName() + ")", f, executors));
        }
        kick();
        return planned;
    }

    /** The planned nodes of one template. */
    PendingDemand<CompletableFuture<Node>> pending(String templateName) {
        return pending.computeIfAbsent(templateName, k -> new PendingDemand<>(PLANNED_PATIENCE));
    }

    private List<CompletableFuture<Node>> drainPending() {
        List<CompletableFuture<Node>> out = new ArrayList<>();
        pending.values().forEach(p -> out.addAll(p.drain()));
        return out;
    }

    /** Asks the runtime's thread for a round; a round already asked for covers this one. */
    void kick() {
        if (kicked.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    kicked.set(false);
                    try {
                        round();
                    } catch (RuntimeException e) {
                        LOGGER.log(Level.WARNING, "Spot cloud " + identity.name() + " round failed", e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                kicked.set(false);
            }
        }
    }

    /** One round now, on the runtime's thread, waited for: for tests and the cloud page's "step now". */
    @Restricted(NoExternalUse.class)
    public void stepNow() {
        try {
            worker.submit(this::round).get(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spot cloud " + identity.name() + ": a round took over 5 minutes", e);
        }
    }

    /** Applies interruption notices read elsewhere (tests, or a queue). */
    void notices(List<io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice> notices) {
        SpotEngine e = engine;
        if (e != null && !notices.isEmpty()) {
            interruptions.apply(e.onNotices(notices));
            metrics = e.metrics();
        }
    }

    private static String launchesHeldBecause() {
        Jenkins j = Jenkins.get();
        if (j.isTerminating()) {
            return "Jenkins is shutting down";
        }
        return j.isQuietingDown() ? "Jenkins is preparing for shutdown" : null;
    }

    /**
     * A new build this cloud serves entered the queue: warm capacity's forecast learns from it. Handed to the
     * runtime's thread: the caller holds the queue lock, and a step may be waiting on EC2.
     */
    void arrived(String label) {
        try {
            worker.execute(() -> {
                SpotEngine e = engine;
                if (e != null) {
                    e.arrived(label, 1);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the runtime has stopped: nothing to learn for
        }
    }

    /** Builds the engine, or hands it a saved configuration and rebuilt clients; null while misconfigured. */
    private SpotEngine engine() {
        SpotCloud c = cloud;
        if (engine == null && problem != null && clock.instant().isAfter(problemAt.plusSeconds(300))) {
            problem = null; // a credential added or a role fixed since: try again every 5 minutes
        }
        if (engine != null || problem == null) {
            try {
                boolean rebuilt = connection.refresh(c, clock);
                if (engine == null) {
                    engine = new SpotEngine(c.toConfig(controllerId()), connection.api(), clock, new Random(),
                            new OnDemandPrices(Map.of()));
                    warmHistory.restore(engine, clock.instant());
                    takeOverFormerNames(c, engine);
                } else if (rebuilt || c != configuredFrom) {
                    engine.reconfigure(c.toConfig(controllerId()), connection.api());
                    remember(rebuilt ? "AWS settings changed: new clients" : "Configuration saved: engine kept");
                }
                configuredFrom = c;
                String extra = c.getIdentityCertificates() == null ? "" : c.getIdentityCertificates();
                if (!extra.equals(trustedExtra)) {
                    issuer.trust(IdentityCertificates.withExtra(extra));
                    trustedExtra = extra;
                }
                problem = null;
            } catch (StageException | AbortException e) {
                problem = e instanceof StageException se ? se.describe() : e.getMessage();
                problemAt = clock.instant();
                remember("Cloud " + c.name + " is not usable: " + problem);
            }
        }
        return engine;
    }

    /**
     * A renamed cloud: the runtime of its former name stops without draining (its agents are taken over, not
     * terminated), and the engine retags and adopts their instances at its first reconciliation.
     */
    private void takeOverFormerNames(SpotCloud c, SpotEngine e) {
        for (String former : c.formerNames()) {
            SpotCloudRuntime old = forCloudName(former);
            if (old != null && old != this) {
                old.stop();
            }
            remember("Taking over the agents of former cloud name " + former);
        }
        e.adoptFormerNames(c.formerNames());
    }

    /** One round on the runtime's thread: notices, one engine step mirrored into Jenkins, planned nodes. */
    private void round() {
        SpotEngine e = engine();
        if (e == null) {
            drainPending().forEach(f -> f.completeExceptionally(new AbortException("Spot cloud " + identity.name()
                    + " is not usable: " + problem)));
            return;
        }
        String held = retired ? "cloud " + identity.name() + " was deleted or its identity changed"
                : launchesHeldBecause();
        e.holdLaunches(held);
        SpotCloud c = cloud;
        if (connection.queue() == null) {
            List<io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice> n = interruptions.collect(c.agents());
            if (!n.isEmpty()) {
                interruptions.apply(e.onNotices(n));
            }
        }
        Demand demand = held != null ? Demand.none() : new Demand(SpotRoundInputs.queued(c));
        nodes.mirror(c, e, e.step(demand, SpotRoundInputs.reports(c, e)), this::pending);
        knownAgents = e.agents().size();
        Map<String, Integer> byTemplate = new java.util.HashMap<>();
        e.agents().forEach(a -> byTemplate.merge(a.templateName(), 1, Integer::sum));
        knownByTemplate = Map.copyOf(byTemplate);
        metrics = e.metrics();
        warmHistory.saveWhenDue(e, clock.instant());
        if (held != null) {
            drainPending().forEach(f -> f.cancel(false));
        }
        for (PendingDemand<CompletableFuture<Node>> p : pending.values()) {
            for (CompletableFuture<Node> f : p.expire(clock.instant())) {
                f.completeExceptionally(new AbortException("Spot cloud " + identity.name() + " launched no agent "
                        + "within " + PLANNED_PATIENCE.toMinutes() + " minutes: "
                        + e.pausedBecause().orElse("see its page")));
            }
        }
        removeForgottenAgents(c, e);
        if (retired && e.agents().isEmpty()) {
            stop();
        }
    }

    private void stop() {
        if (worker.isShutdown()) {
            return;
        }
        RETIRING.remove(this);
        try {
            // After the round in progress, which may be using these clients (stop can come from another thread).
            worker.execute(connection::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            connection.close();
        }
        worker.shutdown();
        remember("Stopped");
    }

    /** Agents kept across a restart whose instances EC2 no longer lists (the engine did not adopt them). */
    private void removeForgottenAgents(SpotCloud c, SpotEngine e) {
        if (!e.hasReconciled() || retired) {
            return;
        }
        for (SpotAgent a : c.agents()) {
            Computer comp = a.toComputer();
            boolean drainedElsewhere = RETIRING.stream().anyMatch(r -> r != this && r.identity.name().equals(
                    identity.name()) && r.engine != null && r.engine.agent(a.getInstanceId()).isPresent());
            if (!drainedElsewhere && e.agent(a.getInstanceId()).isEmpty() && (comp == null || comp.countBusy() == 0)) {
                nodes.remove(a.getInstanceId(), "Removed agent " + a.getInstanceId() + ": EC2 no longer lists its "
                        + "instance");
            }
        }
    }

    /** One long poll of the interruption queue (about 19 s); called from {@link SpotNoticePoller}. */
    void pollQueue() {
        SpotEngine e = engine;
        SqsInterruptionSource queue = connection.queue();
        if (e == null || queue == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            interruptions.apply(e.pollNotices(queue, problems));
            metrics = e.metrics();
        } catch (StageException ex) {
            remember("Reading interruption notices from " + queue.queueUrl() + " failed: " + ex.describe());
        }
        problems.forEach(this::remember);
    }

    /**
     * An administrator deleted an agent: its instance is terminated on the runtime's thread; a failure is shown
     * to administrators ({@link SpotTerminationMonitor}).
     */
    void terminate(String instanceId) {
        try {
            worker.execute(() -> {
                Ec2FleetApi api = engine() == null ? null : connection.api();
                if (api == null) {
                    SpotTerminationMonitor.get().record(instanceId, "cloud " + identity.name() + " is not usable: "
                            + problem);
                    return;
                }
                try {
                    api.terminateInstances(List.of(instanceId));
                    SpotTerminationMonitor.get().resolved(instanceId);
                    remember("Terminated " + instanceId + " (agent deleted in Jenkins)");
                } catch (StageException e) {
                    SpotTerminationMonitor.get().record(instanceId, e.describe());
                    remember("Could not terminate " + instanceId + ": " + e.describe());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            SpotTerminationMonitor.get().record(instanceId, "cloud " + identity.name() + " has stopped");
        }
    }

    /**
     * The boot-time secret request of an inbound agent (see {@link SpotAgentBootstrap}). EC2 is asked about the
     * instance only once its signed identity document has verified.
     */
    AgentSecretIssuer.Answer agentSecret(AgentSecretIssuer.SecretRequest request) {
        SpotEngine e = engine;
        String region = connection.region();
        if (e == null || region == null || retired) {
            return new AgentSecretIssuer.Answer.Refused(AgentSecretIssuer.Refusal.NOT_LAUNCHING,
                    "cloud " + identity.name() + " is not running");
        }
        return issuer.answer(request, e, region, new SpotAgentLedger(identity.name()), clock.instant());
    }

    private synchronized void remember(String message) {
        LOGGER.info(() -> "[" + identity.name() + "] " + message);
        log.addFirst(Instant.now() + " " + message);
        while (log.size() > 50) {
            log.removeLast();
        }
    }
}
