package io.jenkins.plugins.awsdelivery.spot;

import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Executor;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.remoting.VirtualChannel;
import hudson.slaves.Cloud;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.spot.Agent;
import io.jenkins.plugins.awsdelivery.core.spot.AgentBootstrap;
import io.jenkins.plugins.awsdelivery.core.spot.AgentReport;
import io.jenkins.plugins.awsdelivery.core.spot.Demand;
import io.jenkins.plugins.awsdelivery.core.spot.Ec2FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.EngineStep;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.Interruption;
import io.jenkins.plugins.awsdelivery.core.spot.InterruptionNotice;
import io.jenkins.plugins.awsdelivery.core.spot.NoticeKind;
import io.jenkins.plugins.awsdelivery.core.spot.OnDemandPrices;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.spot.SpotMetrics;
import io.jenkins.plugins.awsdelivery.core.spot.SqsInterruptionSource;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;

/**
 * The live side of one {@link SpotCloud}: its AWS clients and engine, built from the cloud's configuration and
 * rebuilt when the configuration is saved (Jenkins replaces the cloud object). Runs engine steps and mirrors them
 * into Jenkins: adds and removes {@link SpotAgent} nodes, takes agents under notice offline with the reason, and
 * removes an interrupted agent whose builds cannot finish in time, so that {@code retry(conditions: [agent()])}
 * reruns them on a replacement.
 */
public final class SpotCloudRuntime {

    private static final Logger LOGGER = Logger.getLogger(SpotCloudRuntime.class.getName());
    private static final Map<String, SpotCloudRuntime> RUNTIMES = new ConcurrentHashMap<>();
    /** Builds that would end within this margin of the interruption are not trusted to finish. */
    private static final long FINISH_MARGIN_MS = 15_000;

    /** Replaced by tests to move time forward. */
    static volatile Clock clock = Clock.systemUTC();

    private final SpotCloud cloud;
    private AwsClientFactory aws;
    private Ec2FleetApi api;
    private volatile SpotEngine engine;
    private SqsInterruptionSource queue;
    private volatile String problem;
    private Instant problemAt = Instant.MIN;
    private final AgentBootstrap bootstrap = new AgentBootstrap();
    private final Deque<String> log = new ArrayDeque<>();
    private final Map<String, Future<InterruptionNotice>> probes = new HashMap<>();

    private SpotCloudRuntime(SpotCloud cloud) {
        this.cloud = cloud;
    }

    /** The runtime of this cloud object; a saved configuration (a new object) gets a new runtime. */
    static SpotCloudRuntime of(SpotCloud cloud) {
        return RUNTIMES.compute(cloud.name, (k, existing) -> {
            if (existing != null && existing.cloud == cloud) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new SpotCloudRuntime(cloud);
        });
    }

    static String controllerId() {
        return Jenkins.get().getLegacyInstanceId();
    }

    static AwsSettings settings(SpotCloud c) throws AbortException {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        AwsSettings.Layer own = AwsSettings.Layer.EMPTY.withRegion(c.getRegion())
                .withRole(c.getRoleArn(), c.getExternalId());
        if (c.getCredentialsId() != null) {
            own = own.withCredentials(AwsCredentialsLookup.forSystem(c.getCredentialsId()).source());
        }
        AwsSettings.Layer defaults = AwsSettings.Layer.EMPTY.withRegion(global.getDefaultRegion())
                .withRole(global.getDefaultRoleArn(), global.getDefaultExternalId())
                .withEndpoint(global.getEndpointOverride() == null ? null : URI.create(global.getEndpointOverride()));
        if (c.getCredentialsId() == null && global.getDefaultCredentialsId() != null) {
            defaults = defaults.withCredentials(AwsCredentialsLookup.forSystem(global.getDefaultCredentialsId())
                    .source());
        }
        String session = AssumeRole.sessionNameFrom("jenkins-spot-" + c.name);
        own = own.withSession(session, null);
        defaults = defaults.withSession(session, null);
        return AwsSettings.resolve(List.of(own, defaults), System.getenv("AWS_REGION"));
    }

    /** For the configuration form's test: core's check, a dry-run CreateFleet of one instance from every pool. */
    static String dryRun(SpotCloud c) {
        try (AwsClientFactory factory = new AwsClientFactory(settings(c))) {
            SpotCheckResult r = SpotCheckResult.check(c.toConfig(controllerId()),
                    new Ec2FleetApi(factory, Clock.systemUTC()), factory.calls());
            return r.dryRun() + " (" + r.instances().size() + " instance(s) of this cloud running)";
        } catch (AbortException e) {
            throw StageException.invalidInput(e.getMessage(), "");
        }
    }

    private synchronized SpotEngine engine() {
        if (engine == null && problem != null && clock.instant().isAfter(problemAt.plusSeconds(300))) {
            problem = null; // a credential added or a role fixed since: try again every 5 minutes
        }
        if (engine == null && problem == null) {
            try {
                SpotFleetConfig config = cloud.toConfig(controllerId());
                aws = new AwsClientFactory(settings(cloud));
                api = new Ec2FleetApi(aws, clock);
                engine = new SpotEngine(config, api, clock, new Random(),
                        new OnDemandPrices(Map.of()));
                if (cloud.getInterruptionQueueUrl() != null) {
                    queue = new SqsInterruptionSource(aws, cloud.getInterruptionQueueUrl(), 19);
                }
            } catch (StageException | AbortException e) {
                problem = e instanceof StageException se ? se.describe() : e.getMessage();
                problemAt = clock.instant();
                remember("Cloud " + cloud.name + " is not usable: " + problem);
            }
        }
        return engine;
    }

    /** Why the cloud cannot work (a configuration error), or null. */
    public synchronized String getProblem() {
        return problem;
    }

    public synchronized SpotMetrics getMetrics() {
        return engine == null ? null : engine.metrics();
    }

    public synchronized List<String> getRecentMessages() {
        return new ArrayList<>(log);
    }

    /**
     * The agent's view in the engine, for the retention strategy: true while it should take builds. Called under
     * Jenkins' queue lock, so it never waits for a step in progress.
     */
    boolean acceptsWork(String instanceId) {
        SpotEngine e = engine;
        return e == null ? problem == null : e.acceptsWork(instanceId);
    }

    /** One engine step now, mirrored into Jenkins; new agents are added at once. */
    public void stepNow() {
        SpotEngine e = engine();
        if (e == null) {
            return;
        }
        mirror(e.step(Demand.of("", queued()), reports()), null);
    }

    /**
     * One engine step for Jenkins' node provisioner: the agents launched are returned as planned nodes, which the
     * provisioner adds and counts as capacity on the way.
     */
    public List<hudson.slaves.NodeProvisioner.PlannedNode> provisionNow() {
        SpotEngine e = engine();
        if (e == null) {
            return List.of();
        }
        List<hudson.slaves.NodeProvisioner.PlannedNode> planned = new ArrayList<>();
        mirror(e.step(Demand.of("", queued()), reports()), planned);
        return planned;
    }

    /** The periodic round: collect interruption notices read by agents, then step. */
    void maintain() {
        SpotEngine e = engine();
        if (e == null) {
            return;
        }
        if (queue == null) {
            notices(collectProbes());
        }
        stepNow();
        removeForgottenAgents(e);
    }

    /** Applies interruption notices, wherever they were read. */
    void notices(List<InterruptionNotice> notices) {
        SpotEngine e = engine();
        if (e != null && !notices.isEmpty()) {
            applyInterruptions(e.onNotices(notices));
        }
    }

    /** Agents kept across a restart whose instances EC2 no longer lists (the engine did not adopt them). */
    private void removeForgottenAgents(SpotEngine e) {
        if (!e.hasReconciled()) {
            return;
        }
        for (SpotAgent a : cloud.agents()) {
            Computer c = a.toComputer();
            if (e.agent(a.getInstanceId()).isEmpty() && (c == null || c.countBusy() == 0)) {
                removeNode(a.getInstanceId(), "Removed agent " + a.getInstanceId() + ": EC2 no longer lists its "
                        + "instance");
            }
        }
    }

    /** One long poll of the interruption queue (about 19 s); called from {@link SpotNoticePoller}. */
    void pollQueue() {
        SpotEngine e = engine();
        if (e == null || queue == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            applyInterruptions(e.pollNotices(queue, problems));
        } catch (StageException ex) {
            remember("Reading interruption notices from " + queue.queueUrl() + " failed: " + ex.describe());
        }
        problems.forEach(this::remember);
    }

    private int queued() {
        int n = 0;
        for (Queue.BuildableItem bi : Jenkins.get().getQueue().getBuildableItems()) {
            if (cloud.canProvision(new Cloud.CloudState(bi.getAssignedLabel(), 0))) {
                n++;
            }
        }
        return n;
    }

    private List<AgentReport> reports() {
        List<AgentReport> reports = new ArrayList<>();
        java.util.Set<String> inJenkins = new java.util.HashSet<>();
        for (SpotAgent a : cloud.agents()) {
            Computer c = a.toComputer();
            inJenkins.add(a.getInstanceId());
            reports.add(c == null ? new AgentReport(a.getInstanceId(), false, 0)
                    : new AgentReport(a.getInstanceId(), c.isOnline(), c.countBusy(), estimatedRemaining(c)));
        }
        SpotEngine e = engine;
        if (e != null) {
            // A drained agent whose node was removed has no work left: its instance can go now.
            e.agents().stream().filter(a -> a.state() == io.jenkins.plugins.awsdelivery.core.spot.AgentState.DRAINING)
                    .filter(a -> !inJenkins.contains(a.instanceId()))
                    .forEach(a -> reports.add(new AgentReport(a.instanceId(), false, 0)));
        }
        return reports;
    }

    private void mirror(EngineStep step, List<hudson.slaves.NodeProvisioner.PlannedNode> planned) {
        List<Agent> added = new ArrayList<>(step.launched());
        added.addAll(step.adopted());
        for (Agent a : added) {
            if (Jenkins.get().getNode(a.instanceId()) != null) {
                continue; // an agent kept across a restart, now known to the engine again
            }
            try {
                SpotAgent node = new SpotAgent(cloud, a, launcher(a));
                if (planned != null && !a.adopted()) {
                    planned.add(new hudson.slaves.NodeProvisioner.PlannedNode(node.getNodeName(),
                            java.util.concurrent.CompletableFuture.completedFuture(node), node.getNumExecutors()));
                } else {
                    Jenkins.get().addNode(node);
                }
                remember((a.adopted() ? "Adopted " : "Launched ") + a);
            } catch (IOException | hudson.model.Descriptor.FormException e) {
                remember("Could not add agent " + a.instanceId() + ": " + e);
            } catch (StageException e) {
                remember("Could not add agent " + a.instanceId() + ": " + e.describe());
            }
        }
        for (Agent a : step.retiring()) {
            Computer c = computer(a.instanceId());
            if (c != null) {
                c.setTemporaryOfflineCause(new SpotOfflineCause("Idle for " + cloud.getIdleMinutes()
                        + " min: this Spot agent is being removed"));
            }
        }
        List<Agent> gone = new ArrayList<>(step.terminated());
        gone.addAll(step.lost());
        for (Agent a : gone) {
            removeNode(a.instanceId(), (step.lost().contains(a) ? "Lost " : "Terminated ") + a);
        }
        step.messages().forEach(this::remember);
    }

    private hudson.slaves.ComputerLauncher launcher(Agent a) {
        if (!cloud.usesSsh()) {
            return SpotAgent.inbound();
        }
        if (!SshConnection.available()) {
            throw StageException.invalidInput("Cloud " + cloud.name + " connects over SSH, but the SSH Build Agents "
                    + "plugin is not installed.", "Install it, or use inbound agents.");
        }
        // The private address is known as soon as the instance exists, long before SSH answers.
        String host = engine.describe(a.instanceId()).map(FleetApi.ManagedInstance::privateIp).orElse(null);
        if (host == null) {
            throw StageException.invalidInput("EC2 reports no private address for " + a.instanceId() + ".",
                    "Check the cloud's subnets.");
        }
        return SshConnection.launcher(host, cloud.getSshPort(), cloud.getSshCredentialsId(), cloud.getJvmOptions());
    }

    private void applyInterruptions(List<Interruption> interruptions) {
        for (Interruption i : interruptions) {
            Computer c = computer(i.agent().instanceId());
            remember(i.reason());
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
                    c.disconnect(new SpotOfflineCause(i.reason())).get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOGGER.log(Level.FINE, "Disconnecting " + i.agent().instanceId() + " took too long", e);
                }
                removeNode(i.agent().instanceId(), "Interrupted builds on " + i.agent().instanceId()
                        + " so they rerun elsewhere");
            }
        }
    }

    /** Jenkins' estimate of the remaining time of each busy executor that has one (work past its estimate has none). */
    private static List<Duration> estimatedRemaining(Computer c) {
        List<Duration> out = new ArrayList<>();
        for (Executor e : c.getExecutors()) {
            if (e.isBusy()) {
                long remaining = e.getEstimatedRemainingTimeMillis();
                if (remaining > 0) {
                    out.add(Duration.ofMillis(remaining));
                }
            }
        }
        return out;
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

    private List<InterruptionNotice> collectProbes() {
        List<InterruptionNotice> notices = new ArrayList<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (SpotAgent a : cloud.agents()) {
            String id = a.getInstanceId();
            present.add(id);
            Future<InterruptionNotice> f = probes.get(id);
            if (f != null && f.isDone()) {
                probes.remove(id);
                try {
                    InterruptionNotice n = f.get();
                    if (n != null) {
                        notices.add(n);
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

    /** Terminates one instance at once (an administrator deleted its agent). */
    void terminate(String instanceId) {
        if (engine() == null) {
            return;
        }
        api.terminateInstances(List.of(instanceId));
        remember("Terminated " + instanceId + " (agent deleted in Jenkins)");
    }

    /** The boot-time secret request of an inbound agent (see {@link SpotAgentBootstrap}). */
    HttpResponse agentSecret(String instanceId, String remoteAddress) {
        SpotEngine e = engine();
        if (e == null) {
            return HttpResponses.errorWithoutStack(503, "Cloud " + cloud.name + " is not usable: " + problem);
        }
        AgentBootstrap.Verdict v = bootstrap.check(e, instanceId, remoteAddress, clock.instant());
        Computer c = computer(instanceId);
        if (!v.allowed() || !(c instanceof hudson.slaves.SlaveComputer sc)) {
            String why = v.allowed() ? "no agent named " + instanceId + " in Jenkins" : v.reason();
            remember("Refused an agent secret: " + why);
            return HttpResponses.errorWithoutStack(403, "Refused: " + why);
        }
        return HttpResponses.text(sc.getJnlpMac());
    }

    private Computer computer(String instanceId) {
        Node n = Jenkins.get().getNode(instanceId);
        return n instanceof SpotAgent ? n.toComputer() : null;
    }

    private void removeNode(String instanceId, String message) {
        Node n = Jenkins.get().getNode(instanceId);
        if (n instanceof SpotAgent) {
            try {
                Jenkins.get().removeNode(n);
                remember(message);
            } catch (IOException e) {
                remember("Could not remove agent " + instanceId + ": " + e);
            }
        }
    }

    private synchronized void remember(String message) {
        LOGGER.info(() -> "[" + cloud.name + "] " + message);
        log.addFirst(Instant.now() + " " + message);
        while (log.size() > 50) {
            log.removeLast();
        }
    }

    private synchronized void close() {
        if (aws != null) {
            aws.close();
        }
    }
}
