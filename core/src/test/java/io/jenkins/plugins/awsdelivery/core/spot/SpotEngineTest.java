package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenarios of the engine against the scripted EC2 on 127.0.0.1, spoken to through the real SDK client. */
class SpotEngineTest {

    static final List<String> TYPES = List.of("m5.large", "m5a.large", "m6i.large", "c5.large", "c6i.large",
            "r5.large");
    static final List<String> SUBNETS = List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2",
            "subnet-0ccccccccccccccc3");

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private FakeEc2 ec2;
    private AwsClientFactory aws;

    @BeforeEach
    void start() {
        ec2 = new FakeEc2(clock::instant);
        aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION));
    }

    @AfterEach
    void stop() {
        aws.close();
        ec2.close();
    }

    static SpotFleetConfig.Builder config() {
        return SpotFleetConfig.builder("linux-spot", "jenkins-test")
                .launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes(TYPES.toArray(String[]::new))
                .subnetIds(SUBNETS)
                .capacity(0, 10, 0)
                .executorsPerAgent(2)
                .labels(Set.of("linux"))
                .idleTimeout(Duration.ofMinutes(10));
    }

    private SpotEngine engine(SpotFleetConfig config) {
        return new SpotEngine(config, new Ec2FleetApi(aws, clock), clock, new Random(7), new OnDemandPrices(Map.of()));
    }

    private static List<AgentReport> connected(SpotEngine engine, Map<String, Integer> busy) {
        List<AgentReport> reports = new ArrayList<>();
        for (Agent a : engine.agents()) {
            reports.add(new AgentReport(a.instanceId(), true, busy.getOrDefault(a.instanceId(), 0)));
        }
        return reports;
    }

    @Test
    void scalesFromZeroWithOneCreateFleetCarryingEveryPoolAndTagsTheInstances() {
        SpotEngine engine = engine(config().build());

        EngineStep step = engine.step(Demand.of("linux", 5), List.of());

        assertThat(step.launched()).as("5 executors at 2 per agent").hasSize(3)
                .allSatisfy(a -> assertThat(a.market()).isEqualTo(Market.SPOT));
        assertThat(ec2.server().requests("CreateFleet")).hasSize(1);
        Map<String, String> form = ec2.server().requests("CreateFleet").get(0).form();
        assertThat(form).containsEntry("Type", "instant")
                .containsEntry("SpotOptions.AllocationStrategy", "price-capacity-optimized")
                .containsEntry("TargetCapacitySpecification.SpotTargetCapacity", "3")
                .containsKey("LaunchTemplateConfigs.1.Overrides.18.SubnetId")
                .doesNotContainKey("LaunchTemplateConfigs.1.Overrides.19.SubnetId");
        assertThat(ec2.running()).hasSize(3).allSatisfy(i -> assertThat(i.tags())
                .containsEntry(SpotFleetConfig.TAG_CONTROLLER, "jenkins-test")
                .containsEntry(SpotFleetConfig.TAG_CLOUD, "linux-spot"));

        EngineStep again = engine.step(Demand.of("linux", 5), List.of());
        assertThat(again.launched()).as("the same queued work never launches twice").isEmpty();
        assertThat(ec2.server().requests("CreateFleet")).hasSize(1);
    }

    @Test
    void demandSpikeIsCappedAtTheMaximum() {
        SpotEngine engine = engine(config().capacity(0, 4, 0).build());

        EngineStep step = engine.step(Demand.of("linux", 50), List.of());

        assertThat(step.launched()).hasSize(4);
        assertThat(step.plan()).contains("capped at the maximum of 4");
        assertThat(engine.step(Demand.of("linux", 80), List.of()).launched()).isEmpty();
        assertThat(ec2.running()).hasSize(4);
    }

    @Test
    void workAboutToEndHoldsBackALaunchButWorkPastItsEstimateDoesNot() {
        SpotEngine engine = engine(config().build());
        assertThat(engine.leadTime()).as("before any agent has connected").isEqualTo(Duration.ofSeconds(90));
        engine.step(Demand.of("linux", 2), List.of());
        String id = engine.agents().get(0).instanceId();
        clock.advance(Duration.ofSeconds(70));
        engine.step(Demand.none(), List.of(new AgentReport(id, true, 2, List.of())));
        assertThat(engine.leadTime()).as("the launch latency seen: launch to connection").isEqualTo(
                Duration.ofSeconds(70));

        EngineStep finishing = engine.step(Demand.of("linux", 1),
                List.of(new AgentReport(id, true, 2, List.of(Duration.ofSeconds(40), Duration.ofMinutes(20)))));
        assertThat(finishing.launched()).as("a build ends in 40 s, a new agent takes 70 s").isEmpty();
        assertThat(finishing.plan()).contains("expected to finish within 70 s");

        clock.advance(Duration.ofSeconds(50));
        EngineStep stale = engine.step(Demand.of("linux", 1), List.of());
        assertThat(stale.launched()).as("no new report, and the expected end is 10 s past").hasSize(1);

        EngineStep overdue = engine.step(Demand.of("linux", 3),
                List.of(new AgentReport(id, true, 2, List.of())));
        assertThat(overdue.launched()).as("builds past their estimate report none: 3 queued - 2 launching")
                .hasSize(1);

        EngineStep slow = engine.step(Demand.of("linux", 5),
                List.of(new AgentReport(id, true, 2, List.of(Duration.ofMinutes(3), Duration.ofMinutes(20)))));
        assertThat(slow.launched()).as("both builds end after a new agent would connect: 5 - 4 launching")
                .hasSize(1);
        assertThat(ec2.running()).hasSize(4);
    }

    @Test
    void leadTimeIsTheLowerMedianOfLaunchLatencies() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 4), List.of());
        List<String> ids = engine.agents().stream().map(Agent::instanceId).toList();
        clock.advance(Duration.ofSeconds(60));
        engine.step(Demand.none(), List.of(new AgentReport(ids.get(0), true, 0)));
        clock.advance(Duration.ofSeconds(40));
        engine.step(Demand.none(), List.of(new AgentReport(ids.get(1), true, 0)));
        assertThat(engine.leadTime()).as("60 s and 100 s: the lower of the two").isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void leadTimeIsCappedAtFiveMinutes() {
        SpotEngine slow = engine(config().build());
        slow.step(Demand.of("linux", 1), List.of());
        clock.advance(Duration.ofMinutes(7));
        slow.step(Demand.none(), List.of(new AgentReport(slow.agents().get(0).instanceId(), true, 0)));
        assertThat(slow.leadTime()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void demandForOtherLabelsIsNotThisCloudsWork() {
        SpotEngine engine = engine(config().build());

        assertThat(engine.step(Demand.of("windows", 4), List.of()).launched()).isEmpty();
        assertThat(ec2.server().requests("CreateFleet")).isEmpty();
    }

    @Test
    void exhaustedPoolsCoolDownAndTheRestAreAskedAgain() {
        for (String type : List.of("m5.large", "m5a.large", "m6i.large", "c5.large", "c6i.large")) {
            SUBNETS.forEach(s -> ec2.spotCapacity(type, s, 0));
        }
        ec2.spotCapacity("r5.large", SUBNETS.get(0), 1).spotCapacity("r5.large", SUBNETS.get(1), 0)
                .spotCapacity("r5.large", SUBNETS.get(2), 1);
        SpotEngine engine = engine(config().onDemandFallback(false).build());

        EngineStep step = engine.step(Demand.of("linux", 6), List.of());

        assertThat(step.launched()).hasSize(2).allSatisfy(a -> assertThat(a.pool().instanceType())
                .isEqualTo("r5.large"));
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).startsWith("No capacity in")
                .contains("m5.large@subnet-0aaaaaaaaaaaaaaa1"));
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("1 agent(s) could not be launched"));

        // The retry in the same step found the two r5.large pools empty too: every pool cools down, and the
        // next step asks EC2 nothing instead of asking for errors again.
        ec2.server().clearRequests();
        EngineStep next = engine.step(Demand.of("linux", 6), List.of());
        assertThat(next.launched()).isEmpty();
        assertThat(next.messages()).contains("Every Spot pool is cooling down after a capacity error.");
        assertThat(ec2.server().requests("CreateFleet")).isEmpty();

        // After the cooldown every pool is asked again.
        clock.advance(Duration.ofMinutes(6));
        ec2.server().clearRequests();
        SUBNETS.forEach(s -> ec2.spotCapacity("m5.large", s, 10));
        EngineStep cooled = engine.step(Demand.of("linux", 10), List.of());
        assertThat(ec2.server().requests("CreateFleet").get(0).form())
                .containsKey("LaunchTemplateConfigs.1.Overrides.18.SubnetId");
        assertThat(cooled.launched()).hasSize(3).allSatisfy(a -> assertThat(a.pool().instanceType())
                .isEqualTo("m5.large"));
    }

    @Test
    void whatSpotCannotSupplyIsLaunchedOnDemandAndReportedAsSuch() {
        ec2.defaultCapacity(0);
        for (String type : TYPES) {
            SUBNETS.forEach(s -> ec2.onDemandCapacity(type, s, 10));
        }
        SpotEngine engine = engine(config().build());

        EngineStep step = engine.step(Demand.of("linux", 4), List.of());

        assertThat(step.launched()).hasSize(2).allSatisfy(a -> assertThat(a.market()).isEqualTo(Market.ON_DEMAND));
        assertThat(step.messages()).contains("Spot could not supply 2 agent(s): launched on demand.");
        assertThat(ec2.running()).allSatisfy(i -> assertThat(i.lifecycle()).isEqualTo("on-demand"));
        assertThat(engine.metrics().fallbackLaunches()).isEqualTo(2);
        assertThat(engine.metrics().onDemandLaunches()).isEqualTo(2);
    }

    @Test
    void onDemandBaseLaunchesTheFirstAgentsOnDemand() {
        SpotEngine engine = engine(config().capacity(0, 10, 1).build());

        EngineStep step = engine.step(Demand.of("linux", 6), List.of());

        assertThat(step.launched().stream().filter(a -> a.market() == Market.ON_DEMAND)).hasSize(1);
        assertThat(step.launched().stream().filter(a -> a.market() == Market.SPOT)).hasSize(2);
    }

    @Test
    void vcpuLimitIsAClearErrorThatStopsRetrying() {
        ec2.limit("VcpuLimitExceeded", 2);
        SpotEngine engine = engine(config().build());

        EngineStep step = engine.step(Demand.of("linux", 10), List.of());

        assertThat(step.launched()).hasSize(2);
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("VcpuLimitExceeded")
                .contains("Service Quotas").contains("Launching pauses for 15 min"));
        assertThat(engine.pausedBecause()).isPresent();
        assertThat(engine.metrics().launchErrors()).containsEntry("VcpuLimitExceeded", 1L);
        int calls = ec2.server().requests("CreateFleet").size();
        assertThat(calls).as("no retry and no on-demand fallback after a limit").isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        EngineStep later = engine.step(Demand.of("linux", 10), List.of());
        assertThat(later.launched()).isEmpty();
        assertThat(later.plan()).contains("launching paused").contains("VcpuLimitExceeded");
        assertThat(ec2.server().requests("CreateFleet")).hasSize(calls);
    }

    @Test
    void throttlingPausesEveryEc2CallAndBacksOff() {
        SpotEngine engine = engine(config().build());
        // The SDK retries throttling itself (standard mode, 3 attempts): make all of them fail.
        ec2.server().failNext("CreateFleet", 3, FakeError.throttling("RequestLimitExceeded"));

        EngineStep step = engine.step(Demand.of("linux", 2), List.of());

        assertThat(step.launched()).isEmpty();
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("throttled").contains("pausing EC2 calls"));
        ec2.server().clearRequests();
        clock.advance(Duration.ofSeconds(4));
        EngineStep paused = engine.step(Demand.of("linux", 2), List.of());
        assertThat(paused.plan()).contains("because EC2 throttled");
        assertThat(ec2.server().requests()).as("no EC2 call while paused").isEmpty();

        clock.advance(Duration.ofSeconds(30));
        assertThat(engine.step(Demand.of("linux", 2), List.of()).launched()).hasSize(1);
    }

    @Test
    void interruptionNoticeDrainsTheAgentAndLaunchesAReplacementBeforeTheTwoMinutesEnd() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 2), List.of());
        Agent agent = engine.agents().get(0);
        engine.step(Demand.none(), connected(engine, Map.of(agent.instanceId(), 2)));

        Instant at = clock.instant();
        List<Interruption> interruptions = engine.onNotices(List.of(new InterruptionNotice(agent.instanceId(),
                NoticeKind.INTERRUPTION, "terminate", at.plusSeconds(120), "imds")));

        assertThat(interruptions).singleElement().satisfies(i -> {
            assertThat(i.workAtRisk()).isTrue();
            assertThat(i.busyExecutors()).isEqualTo(2);
            assertThat(i.reason()).contains("Spot interruption").contains(agent.instanceId());
        });
        assertThat(agent.acceptingWork()).isFalse();
        assertThat(engine.acceptsWork(agent.instanceId())).as("published for Jenkins' queue").isFalse();
        assertThat(engine.acceptsWork("i-0unknown0000000000")).isTrue();
        // Its two builds are rerun (Pipeline retry): they are queued again, and a replacement launches at once.
        clock.advance(Duration.ofSeconds(10));
        EngineStep step = engine.step(Demand.of("linux", 2), connected(engine, Map.of(agent.instanceId(), 2)));
        assertThat(step.launched()).hasSize(1);
        assertThat(clock.instant()).isBefore(at.plusSeconds(120));
        assertThat(engine.metrics().interruptions()).isEqualTo(1);

        // The same notice again (IMDS keeps answering it) changes nothing.
        assertThat(engine.onNotices(List.of(new InterruptionNotice(agent.instanceId(), NoticeKind.INTERRUPTION,
                "terminate", at.plusSeconds(120), "imds")))).isEmpty();

        // Once its work is gone the drained agent is terminated, and never before.
        clock.advance(Duration.ofSeconds(10));
        EngineStep after = engine.step(Demand.none(), List.of(new AgentReport(agent.instanceId(), true, 0)));
        assertThat(after.terminated()).extracting(Agent::instanceId).containsExactly(agent.instanceId());
    }

    @Test
    void rebalanceRecommendationMovesNewWorkAwayWithoutKillingRunningWork() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 2), List.of());
        Agent agent = engine.agents().get(0);
        engine.step(Demand.none(), connected(engine, Map.of(agent.instanceId(), 1)));

        List<Interruption> i = engine.onNotices(List.of(new InterruptionNotice(agent.instanceId(),
                NoticeKind.REBALANCE, "", clock.instant(), "sqs")));

        assertThat(i).singleElement().satisfies(x -> assertThat(x.workAtRisk()).isFalse());
        assertThat(agent.state()).isEqualTo(AgentState.DRAINING);
        EngineStep step = engine.step(Demand.of("linux", 1), connected(engine, Map.of(agent.instanceId(), 1)));
        assertThat(step.launched()).as("queued work gets a new agent").hasSize(1);
        assertThat(step.terminated()).as("its running build goes on").isEmpty();
        // An interruption after the recommendation is still reported.
        assertThat(engine.onNotices(List.of(new InterruptionNotice(agent.instanceId(), NoticeKind.INTERRUPTION,
                "terminate", clock.instant().plusSeconds(120), "sqs")))).hasSize(1);
        assertThat(engine.metrics().rebalanceRecommendations()).isEqualTo(1);
    }

    @Test
    void idleScaleInRetiresFirstAndNeverTerminatesABusyAgent() {
        SpotEngine engine = engine(config().capacity(1, 10, 0).build());
        engine.step(Demand.of("linux", 6), List.of());
        List<Agent> agents = engine.agents();
        assertThat(agents).hasSize(3);
        String busy = agents.get(0).instanceId();
        engine.step(Demand.none(), connected(engine, Map.of(busy, 1)));

        clock.advance(Duration.ofMinutes(11));
        EngineStep retire = engine.step(Demand.none(), connected(engine, Map.of(busy, 1)));
        assertThat(retire.retiring()).as("idle past the timeout, keeping the minimum of 1 (the busy one)")
                .hasSize(2).noneMatch(a -> a.instanceId().equals(busy));
        assertThat(retire.terminated()).as("retiring first: Jenkins takes them offline").isEmpty();
        assertThat(retire.retiring()).allSatisfy(a -> assertThat(engine.acceptsWork(a.instanceId())).isFalse());
        assertThat(engine.acceptsWork(busy)).isTrue();

        // A build reached one of them before it went offline: it stays.
        String raced = retire.retiring().get(0).instanceId();
        clock.advance(Duration.ofSeconds(10));
        EngineStep next = engine.step(Demand.none(), connected(engine, Map.of(busy, 1, raced, 1)));
        assertThat(next.terminated()).extracting(Agent::instanceId)
                .containsExactly(retire.retiring().get(1).instanceId());
        assertThat(engine.agent(raced).orElseThrow().state()).isEqualTo(AgentState.ONLINE);
        assertThat(ec2.instance(busy).stateName()).isNotEqualTo("terminated");
        assertThat(ec2.instance(raced).stateName()).isNotEqualTo("terminated");
    }

    @Test
    void idleAgentsStayWhileTheQueueNeedsThem() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 2), List.of());
        engine.step(Demand.none(), connected(engine, Map.of()));
        clock.advance(Duration.ofMinutes(11));

        EngineStep step = engine.step(Demand.of("linux", 2), connected(engine, Map.of()));

        assertThat(step.retiring()).isEmpty();
    }

    @Test
    void reconciliationAdoptsForgottenInstancesAndTerminatesOrphansThatNeverConnect() {
        Map<String, String> ours = Map.of(SpotFleetConfig.TAG_CONTROLLER, "jenkins-test",
                SpotFleetConfig.TAG_CLOUD, "linux-spot");
        String forgotten = ec2.addInstance("m5.large", SUBNETS.get(0), "spot", ours, clock.instant());
        String orphan = ec2.addInstance("c5.large", SUBNETS.get(1), "spot", ours, clock.instant());
        String busyOrphan = ec2.addInstance("c5.large", SUBNETS.get(2), "spot", ours, clock.instant());
        String someoneElses = ec2.addInstance("m5.large", SUBNETS.get(0), "spot",
                Map.of(SpotFleetConfig.TAG_CONTROLLER, "other-jenkins", SpotFleetConfig.TAG_CLOUD, "linux-spot"),
                clock.instant());
        SpotEngine engine = engine(config().build());

        EngineStep first = engine.step(Demand.none(), List.of());

        assertThat(first.adopted()).extracting(Agent::instanceId)
                .containsExactlyInAnyOrder(forgotten, orphan, busyOrphan);
        assertThat(first.adopted()).allSatisfy(a -> assertThat(a.adopted()).isTrue());
        // The forgotten one connects; the orphan never does; the other has work (it connected and got a build).
        clock.advance(Duration.ofMinutes(11));
        EngineStep later = engine.step(Demand.none(), List.of(new AgentReport(forgotten, true, 1),
                new AgentReport(busyOrphan, false, 1)));
        assertThat(later.terminated()).extracting(Agent::instanceId).containsExactly(orphan);
        assertThat(later.messages()).anySatisfy(m -> assertThat(m).contains(orphan).contains("did not connect"));
        assertThat(ec2.instance(someoneElses).stateName()).isEqualTo("running");
        assertThat(ec2.instance(busyOrphan).stateName()).isEqualTo("running");
        assertThat(engine.metrics().orphansTerminated()).isEqualTo(1);
    }

    @Test
    void reconciliationReportsInstancesThatVanishedAndBacksOffWhileNothingChanges() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 2), List.of());
        Agent agent = engine.agents().get(0);
        engine.step(Demand.none(), connected(engine, Map.of(agent.instanceId(), 1)));

        ec2.interrupt(agent.instanceId());
        clock.advance(Duration.ofMinutes(6));
        EngineStep step = engine.step(Demand.none(), connected(engine, Map.of(agent.instanceId(), 1)));

        assertThat(step.lost()).extracting(Agent::instanceId).containsExactly(agent.instanceId());
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("terminated outside this cloud"));

        // With nothing changing, DescribeInstances runs less and less often.
        ec2.server().clearRequests();
        for (int i = 0; i < 6 * 60; i++) { // one step every 10 s for one hour
            clock.advance(Duration.ofSeconds(10));
            engine.step(Demand.none(), List.of());
        }
        assertThat(ec2.server().requests("DescribeInstances").size()).isBetween(2, 6);
    }

    @Test
    void estimatesSavingsFromCachedSpotPricesAndCountsApiCallsByOperation() {
        ec2.spotPrice("m5.large", "eu-west-1a", "0.036").spotPrice("m5.large", "eu-west-1b", "0.040");
        SpotEngine engine = engine(config().instanceTypes("m5.large").build());
        engine.step(Demand.of("linux", 2), List.of());
        for (int i = 0; i < 360; i++) {
            clock.advance(Duration.ofSeconds(10));
            engine.step(Demand.none(), connected(engine, Map.of(engine.agents().get(0).instanceId(), 1)));
        }

        SpotMetrics m = engine.metrics();
        // One hour of an m5.large at 0.038 instead of 0.096.
        assertThat(m.estimatedSavingsUsd()).isBetween(0.055, 0.06);
        assertThat(m.apiCalls()).containsEntry("Ec2.CreateFleet", 1L).containsKey("Ec2.DescribeInstances");
        assertThat(m.apiCalls().get("Ec2.DescribeSpotPriceHistory")).as("cached for an hour").isBetween(1L, 2L);
        assertThat(m.spotAgents()).containsEntry(AgentState.ONLINE, 1);
    }

    @Test
    void dryRunChecksTheRequestWithoutLaunching() {
        SpotFleetConfig config = config().build();
        String verdict = new Ec2FleetApi(aws, clock).dryRun(new FleetApi.FleetRequest(config,
                "lt-0123456789abcdef0", config.pools(), 1, 0, "test"));

        assertThat(verdict).contains("EC2 accepts the request").contains("18 pool(s)");
        assertThat(ec2.running()).isEmpty();
        assertThat(ec2.server().requests("CreateFleet").get(0).form()).containsEntry("DryRun", "true");
    }

    @Test
    void aRefusedReconciliationIsReportedAndLeavesTheEngineUnreconciled() {
        ec2.server().failNext("DescribeInstances", 1, FakeError.accessDenied("ec2:DescribeInstances"));
        SpotEngine engine = engine(config().build());

        EngineStep step = engine.step(Demand.none(), List.of());

        assertThat(engine.hasReconciled()).as("the caller must not treat its agents as forgotten").isFalse();
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("AWS denied ec2:DescribeInstances")
                .contains("IAM policy"));
        clock.advance(Duration.ofMinutes(6));
        engine.step(Demand.none(), List.of());
        assertThat(engine.hasReconciled()).isTrue();
    }

    @Test
    void aLaunchRefusedOutrightPausesLaunchingLongerEachTimeInsteadOfRetryingEveryStep() {
        ec2.server().failNext("CreateFleet", 2, FakeError.accessDenied("ec2:CreateFleet"));
        SpotEngine engine = engine(config().build());

        EngineStep first = engine.step(Demand.of("linux", 2), List.of());
        assertThat(first.messages()).anySatisfy(m -> assertThat(m).contains("AWS denied ec2:CreateFleet"));
        assertThat(first.messages()).anySatisfy(m -> assertThat(m).startsWith("Launching pauses for 60 s"));

        clock.advance(Duration.ofSeconds(30));
        assertThat(engine.step(Demand.of("linux", 2), List.of()).plan()).contains("launching paused");
        assertThat(ec2.server().requests("CreateFleet")).hasSize(1);

        clock.advance(Duration.ofSeconds(31));
        EngineStep second = engine.step(Demand.of("linux", 2), List.of());
        assertThat(second.messages()).anySatisfy(m -> assertThat(m).startsWith("Launching pauses for 120 s"));

        clock.advance(Duration.ofSeconds(121));
        assertThat(engine.step(Demand.of("linux", 2), List.of()).launched()).hasSize(1);
        assertThat(ec2.server().requests("CreateFleet")).hasSize(3);
    }

    @Test
    void aRefusedTerminationIsReportedAndTriedAgainAMinuteLater() {
        SpotEngine engine = engine(config().build());
        engine.step(Demand.of("linux", 2), List.of());
        Agent agent = engine.agents().get(0);
        engine.step(Demand.none(), connected(engine, Map.of()));
        clock.advance(Duration.ofMinutes(11));
        engine.step(Demand.none(), connected(engine, Map.of()));
        ec2.server().failNext("TerminateInstances", 1, FakeError.accessDenied("ec2:TerminateInstances"));

        clock.advance(Duration.ofSeconds(10));
        EngineStep refused = engine.step(Demand.none(), connected(engine, Map.of()));
        clock.advance(Duration.ofSeconds(10));
        engine.step(Demand.none(), connected(engine, Map.of()));

        assertThat(refused.terminated()).isEmpty();
        assertThat(refused.messages()).anySatisfy(m -> assertThat(m).contains("AWS denied ec2:TerminateInstances"));
        assertThat(ec2.server().requests("TerminateInstances")).as("not at every step").hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(engine.step(Demand.none(), connected(engine, Map.of())).terminated())
                .extracting(Agent::instanceId).containsExactly(agent.instanceId());
    }

    @Test
    void heldLaunchesWaitAndASavedConfigurationKeepsTheAgentsAndMetrics() {
        SpotEngine engine = engine(config().build());
        engine.holdLaunches("Jenkins is quieting down");

        EngineStep held = engine.step(Demand.of("linux", 4), List.of());

        assertThat(held.launched()).isEmpty();
        assertThat(held.plan()).contains("launching held: Jenkins is quieting down");
        assertThat(ec2.server().requests("CreateFleet")).isEmpty();

        engine.holdLaunches(null);
        assertThat(engine.step(Demand.of("linux", 4), List.of()).launched()).hasSize(2);
        long launchedBefore = engine.metrics().spotLaunches();
        try (AwsClientFactory rebuilt = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION))) {
            engine.reconfigure(config().capacity(0, 3, 0).build(), new Ec2FleetApi(rebuilt, clock));

            assertThat(engine.agents()).hasSize(2);
            assertThat(engine.metrics().spotLaunches()).isEqualTo(launchedBefore);
            assertThat(engine.step(Demand.of("linux", 20), List.of()).launched()).as("the new maximum of 3")
                    .hasSize(1);
        }
        assertThatThrownBy(() -> engine.reconfigure(SpotFleetConfig.builder("renamed", "jenkins-test")
                .launchTemplateId("lt-0123456789abcdef0").instanceTypes("m5.large").subnetIds(SUBNETS).build(),
                new Ec2FleetApi(aws, clock))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRenamedCloudTakesOverTheInstancesOfItsFormerName() {
        SpotEngine before = engine(config().build());
        List<String> ids = before.step(Demand.of("linux", 4), List.of()).launched().stream()
                .map(Agent::instanceId).toList();
        String foreign = ec2.addInstance("m5.large", SUBNETS.get(0), "spot", Map.of(SpotFleetConfig.TAG_CLOUD,
                "other-cloud", SpotFleetConfig.TAG_CONTROLLER, "jenkins-test"), clock.instant());
        SpotFleetConfig renamed = SpotFleetConfig.builder("linux-spot-2", "jenkins-test")
                .launchTemplateId("lt-0123456789abcdef0").instanceTypes(TYPES.toArray(String[]::new))
                .subnetIds(SUBNETS).capacity(0, 10, 0).executorsPerAgent(2).labels(Set.of("linux")).build();
        SpotEngine after = engine(renamed);

        after.adoptFormerNames(List.of("linux-spot"));
        EngineStep step = after.step(Demand.of("linux", 4), List.of());

        assertThat(step.adopted()).extracting(Agent::instanceId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(step.launched()).as("the queue is covered by the adopted agents").isEmpty();
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains("former cloud name linux-spot"));
        ids.forEach(id -> assertThat(ec2.instance(id).tags()).containsEntry(SpotFleetConfig.TAG_CLOUD,
                "linux-spot-2"));
        assertThat(ec2.instance(foreign).tags()).containsEntry(SpotFleetConfig.TAG_CLOUD, "other-cloud");
        assertThat(ec2.server().requests("CreateTags")).hasSize(1);
        after.step(Demand.of("linux", 4), List.of());
        assertThat(ec2.server().requests("CreateTags")).as("once").hasSize(1);
    }

    @Test
    void aSingleUseAgentTakesOneBuildDrainsAndGoesAsSoonAsItIsIdle() {
        SpotEngine engine = engine(config().maxTotalUses(1).build());

        EngineStep launch = engine.step(Demand.of("linux", 2), List.of());
        assertThat(launch.launched()).as("2 executors per agent but one build each: 2 agents for 2 builds")
                .hasSize(2).allSatisfy(a -> assertThat(a.maxTotalUses()).isEqualTo(1));
        String used = launch.launched().get(0).instanceId();
        String fresh = launch.launched().get(1).instanceId();

        EngineStep running = engine.step(Demand.of("linux", 1), List.of(
                new AgentReport(used, true, 1, List.of(), 1), new AgentReport(fresh, true, 0, List.of(), 0)));
        assertThat(running.launched()).as("the fresh agent takes the queued build").isEmpty();
        assertThat(engine.acceptsWork(used)).as("its one use is taken: no second build").isFalse();
        assertThat(engine.acceptsWork(fresh)).isTrue();
        assertThat(engine.agent(used).orElseThrow().state()).isEqualTo(AgentState.DRAINING);
        assertThat(running.terminated()).as("never while busy").isEmpty();

        EngineStep again = engine.step(Demand.of("linux", 2), List.of(
                new AgentReport(used, true, 1, List.of(), 1), new AgentReport(fresh, true, 1, List.of(), 1)));
        assertThat(again.launched()).as("both agents used: 2 queued builds get 2 new agents").hasSize(2);

        clock.advance(Duration.ofSeconds(10));
        EngineStep done = engine.step(Demand.none(), List.of(
                new AgentReport(used, true, 0, List.of(), 1), new AgentReport(fresh, true, 1, List.of(), 1)));
        assertThat(done.terminated()).as("idle after its build: terminated without waiting for the idle timeout")
                .extracting(Agent::instanceId).containsExactly(used);
        assertThat(done.messages()).anySatisfy(m -> assertThat(m).contains(used).contains("took its 1 build(s)"));
        assertThat(ec2.instance(used).stateName()).isEqualTo("terminated");
        assertThat(ec2.instance(fresh).stateName()).isNotEqualTo("terminated");
        assertThat(engine.metrics().usedUpTerminated()).isEqualTo(1);
        assertThat(engine.metrics().agentsByTemplate()).containsExactly(java.util.Map.entry("default", 3));
    }

    @Test
    void aUsedUpAgentUnderAnInterruptionIsStillReported() {
        SpotEngine engine = engine(config().maxTotalUses(1).build());
        String id = engine.step(Demand.of("linux", 1), List.of()).launched().get(0).instanceId();
        engine.step(Demand.none(), List.of(new AgentReport(id, true, 1, List.of(), 1)));

        assertThat(engine.onNotices(List.of(new InterruptionNotice(id, NoticeKind.INTERRUPTION, "terminate",
                clock.instant().plusSeconds(120), "imds")))).hasSize(1);
    }

    @Test
    void eachTemplateGetsItsOwnCreateFleetAndItsInstancesCarryTheTemplateTag() {
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes(TYPES.toArray(String[]::new)).executorsPerAgent(2).labels(List.of("linux")).build();
        AgentTemplate big = AgentTemplate.builder("big").launchTemplateName("big-agents").launchTemplateVersion("3")
                .instanceTypes("m5.2xlarge:2").executorsPerAgent(4).labels(List.of("big")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux, big)).maxAgents(20).build());

        EngineStep step = engine.step(new Demand(Map.of("linux", 3, "big", 8)), List.of());

        assertThat(ec2.server().requests("CreateFleet")).hasSize(2);
        Map<String, String> first = ec2.server().requests("CreateFleet").get(0).form();
        Map<String, String> second = ec2.server().requests("CreateFleet").get(1).form();
        assertThat(first).containsEntry("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId",
                "lt-0123456789abcdef0").containsEntry("TargetCapacitySpecification.TotalTargetCapacity", "2");
        assertThat(second).containsEntry("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName",
                        "big-agents")
                .containsEntry("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", "3")
                .containsEntry("LaunchTemplateConfigs.1.Overrides.1.InstanceType", "m5.2xlarge")
                .as("8 executors at 4 per unit: 2 units, one instance of weight 2")
                .containsEntry("TargetCapacitySpecification.TotalTargetCapacity", "2");
        assertThat(step.launched()).extracting(Agent::templateName).containsOnly("linux", "big");
        assertThat(step.launched()).filteredOn(a -> a.templateName().equals("big"))
                .as("a weight-2 instance runs twice the template's 4 executors")
                .allSatisfy(a -> assertThat(a.executors()).isEqualTo(8));
        assertThat(ec2.running()).allSatisfy(i -> assertThat(i.tags()).containsKey(SpotFleetConfig.TAG_TEMPLATE));
        assertThat(ec2.running()).filteredOn(i -> i.type().equals("m5.2xlarge"))
                .allSatisfy(i -> assertThat(i.tags()).containsEntry(SpotFleetConfig.TAG_TEMPLATE, "big"));
    }

    @Test
    void anAdoptedInstanceWithoutTheTemplateTagBelongsToTheFirstTemplate() {
        Map<String, String> ours = Map.of(SpotFleetConfig.TAG_CONTROLLER, "jenkins-test",
                SpotFleetConfig.TAG_CLOUD, "linux-spot");
        Map<String, String> big = new java.util.HashMap<>(ours);
        big.put(SpotFleetConfig.TAG_TEMPLATE, "big");
        Map<String, String> gone = new java.util.HashMap<>(ours);
        gone.put(SpotFleetConfig.TAG_TEMPLATE, "gpu");
        String untagged = ec2.addInstance("m5.large", SUBNETS.get(0), "spot", ours, clock.instant());
        String bigOne = ec2.addInstance("m5.2xlarge", SUBNETS.get(1), "spot", big, clock.instant());
        String gpuOne = ec2.addInstance("m5.large", SUBNETS.get(2), "spot", gone, clock.instant());
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large").executorsPerAgent(2).labels(List.of("linux")).build();
        AgentTemplate bigT = AgentTemplate.builder("big").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.2xlarge:2").executorsPerAgent(4).labels(List.of("big")).maxTotalUses(5).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux, bigT)).build());

        EngineStep step = engine.step(Demand.none(), List.of());

        assertThat(engine.agent(untagged).orElseThrow().templateName()).isEqualTo("linux");
        assertThat(engine.agent(untagged).orElseThrow().executors()).isEqualTo(2);
        assertThat(engine.agent(bigOne).orElseThrow().templateName()).isEqualTo("big");
        assertThat(engine.agent(bigOne).orElseThrow().executors()).isEqualTo(8);
        assertThat(engine.agent(bigOne).orElseThrow().maxTotalUses()).isEqualTo(5);
        assertThat(step.messages()).anySatisfy(m -> assertThat(m).contains(gpuOne).contains("template gpu"));

        EngineStep connected = engine.step(Demand.none(), List.of(new AgentReport(gpuOne, true, 0)));
        assertThat(connected.retiring()).as("a template the cloud no longer has: it goes once idle")
                .extracting(Agent::instanceId).containsExactly(gpuOne);
    }

    @Test
    void anAgentWhoseTemplateIsRemovedTakesNoMoreWork() {
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large").labels(List.of("linux")).build();
        AgentTemplate gpu = AgentTemplate.builder("gpu").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.2xlarge").labels(List.of("gpu")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux, gpu)).build());
        engine.step(new Demand(Map.of("linux", 1, "gpu", 1)), List.of());
        engine.step(Demand.none(), connected(engine, Map.of()));
        String linuxOne = engine.agents().stream().filter(a -> a.templateName().equals("linux")).findFirst()
                .orElseThrow().instanceId();
        String gpuOne = engine.agents().stream().filter(a -> a.templateName().equals("gpu")).findFirst()
                .orElseThrow().instanceId();
        assertThat(engine.acceptsWork(gpuOne)).isTrue();

        engine.reconfigure(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux)).build(), new Ec2FleetApi(aws, clock));

        assertThat(engine.acceptsWork(gpuOne)).as("its template is gone: it only waits to retire").isFalse();
        assertThat(engine.acceptsWork(linuxOne)).isTrue();
        EngineStep idle = engine.step(Demand.none(), connected(engine, Map.of()));
        assertThat(idle.retiring()).extracting(Agent::instanceId).containsExactly(gpuOne);
    }

    private static boolean asksFor(Map<String, String> form, String type, String subnet) {
        for (int n = 1; form.containsKey("LaunchTemplateConfigs.1.Overrides." + n + ".InstanceType"); n++) {
            if (type.equals(form.get("LaunchTemplateConfigs.1.Overrides." + n + ".InstanceType"))
                    && subnet.equals(form.get("LaunchTemplateConfigs.1.Overrides." + n + ".SubnetId"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aPriceErrorCoolsThePoolForItsTemplateOnlyAndACapacityErrorForAll() {
        ec2.spotError("m5.large", SUBNETS.get(0), "SpotMaxPriceTooLow");
        ec2.spotCapacity("m5a.large", SUBNETS.get(1), 0);
        AgentTemplate windows = AgentTemplate.builder("windows").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large", "m5a.large").labels(List.of("windows")).build();
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large", "m5a.large").labels(List.of("linux")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(windows, linux)).onDemandFallback(false).build());

        assertThat(engine.step(Demand.of("windows", 1), List.of()).launched()).hasSize(1);

        ec2.spotCapacity("m5.large", SUBNETS.get(0), 10).spotCapacity("m5a.large", SUBNETS.get(1), 10);
        ec2.server().clearRequests();
        assertThat(engine.step(Demand.of("linux", 1), List.of()).launched()).hasSize(1);
        Map<String, String> form = ec2.server().requests("CreateFleet").get(0).form();
        assertThat(asksFor(form, "m5.large", SUBNETS.get(0)))
                .as("the windows template's price was too low there, not the linux one's").isTrue();
        assertThat(asksFor(form, "m5a.large", SUBNETS.get(1))).as("no capacity there, for anyone").isFalse();
    }

    @Test
    void aVcpuQuotaPausesOnlyTheTemplateThatMetItAndAnAccountWideLimitPausesAll() {
        ec2.limit("VcpuLimitExceeded", 0);
        AgentTemplate gpu = AgentTemplate.builder("gpu").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.2xlarge").labels(List.of("gpu")).build();
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large").labels(List.of("linux")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(gpu, linux)).build());

        EngineStep first = engine.step(new Demand(Map.of("gpu", 1)), List.of());
        assertThat(first.launched()).isEmpty();
        assertThat(engine.pausedBecause()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("Template gpu: EC2 refused the launch with VcpuLimitExceeded"));

        ec2.limit(null, 0); // the other family's quota has room
        clock.advance(Duration.ofSeconds(30));
        EngineStep next = engine.step(new Demand(Map.of("gpu", 1, "linux", 1)), List.of());
        assertThat(next.launched()).extracting(Agent::templateName).containsExactly("linux");
        assertThat(next.plan()).contains("launching paused until");

        ec2.limit("MaxSpotInstanceCountExceeded", 0);
        clock.advance(Duration.ofSeconds(30));
        EngineStep account = engine.step(new Demand(Map.of("gpu", 1, "linux", 2)), List.of());
        assertThat(account.launched()).isEmpty();
        ec2.limit(null, 0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(engine.step(new Demand(Map.of("linux", 2)), List.of()).launched())
                .as("an account-wide limit holds every template").isEmpty();
        assertThat(engine.pausedBecause()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("EC2 refused the launch with MaxSpotInstanceCountExceeded"));
    }

    @Test
    void aSavedConfigurationLaunchesAtOnceAfterAFailureOrALimitPausedLaunching() {
        ec2.server().failNext("CreateFleet", 1, FakeError.accessDenied("ec2:CreateFleet"));
        SpotEngine engine = engine(config().build());
        assertThat(engine.step(Demand.of("linux", 1), List.of()).launched()).isEmpty();
        assertThat(engine.pausedBecause()).isPresent();

        clock.advance(Duration.ofSeconds(5));
        engine.reconfigure(config().build(), new Ec2FleetApi(aws, clock));
        assertThat(engine.pausedBecause()).as("the fix is saved: no wait for the pause").isEmpty();
        assertThat(engine.step(Demand.of("linux", 1), List.of()).launched()).hasSize(1);

        ec2.limit("MaxSpotInstanceCountExceeded", 1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(engine.step(Demand.of("linux", 4), List.of()).launched()).isEmpty();
        assertThat(engine.pausedBecause()).hasValueSatisfying(r -> assertThat(r)
                .contains("MaxSpotInstanceCountExceeded"));
        ec2.limit(null, 0); // the quota was raised
        clock.advance(Duration.ofSeconds(5));
        engine.reconfigure(config().build(), new Ec2FleetApi(aws, clock));
        assertThat(engine.step(Demand.of("linux", 4), List.of()).launched()).isNotEmpty();
    }

    @Test
    void anAdoptedInstanceOfARemovedTemplateWeighsWhatATemplateListingItsTypeSays() {
        Map<String, String> gone = new java.util.HashMap<>(Map.of(SpotFleetConfig.TAG_CONTROLLER, "jenkins-test",
                SpotFleetConfig.TAG_CLOUD, "linux-spot", SpotFleetConfig.TAG_TEMPLATE, "old-big"));
        String oldBig = ec2.addInstance("m5.2xlarge", SUBNETS.get(0), "spot", gone, clock.instant());
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large").executorsPerAgent(2).labels(List.of("linux")).build();
        AgentTemplate big = AgentTemplate.builder("big").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.2xlarge:2").executorsPerAgent(4).labels(List.of("big")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux, big)).maxAgents(3).build());

        EngineStep step = engine.step(new Demand(Map.of("linux", 10)), List.of());

        assertThat(engine.agent(oldBig).orElseThrow().executors()).as("m5.2xlarge is weight 2 at 4 executors")
                .isEqualTo(8);
        assertThat(step.launched()).as("the adopted weight-2 instance leaves 1 of the cloud's 3").hasSize(1);
    }

    @Test
    void aTemplateWhoseLaunchFailsOutrightHoldsNoOtherTemplate() {
        ec2.server().failNext("CreateFleet", 1, FakeError.accessDenied("ec2:CreateFleet"));
        AgentTemplate linux = AgentTemplate.builder("linux").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.large").labels(List.of("linux")).build();
        AgentTemplate big = AgentTemplate.builder("big").launchTemplateId("lt-0123456789abcdef0")
                .instanceTypes("m5.2xlarge").labels(List.of("big")).build();
        SpotEngine engine = engine(SpotFleetConfig.builder("linux-spot", "jenkins-test").subnetIds(SUBNETS)
                .templates(List.of(linux, big)).build());

        EngineStep first = engine.step(new Demand(Map.of("linux", 1, "big", 1)), List.of());

        assertThat(first.messages()).anySatisfy(m -> assertThat(m).startsWith("Launching of template linux "
                + "pauses for 60 s after: Template linux: AWS denied ec2:CreateFleet"));
        assertThat(first.launched()).extracting(Agent::templateName).containsExactly("big");
        assertThat(engine.pausedBecause()).hasValueSatisfying(r -> assertThat(r).startsWith("Template linux: "));

        clock.advance(Duration.ofSeconds(30));
        EngineStep paused = engine.step(new Demand(Map.of("linux", 1, "big", 2)), List.of());
        assertThat(paused.plan()).contains("launching paused until");
        assertThat(paused.launched()).extracting(Agent::templateName).containsExactly("big");

        clock.advance(Duration.ofSeconds(31));
        assertThat(engine.step(new Demand(Map.of("linux", 1)), List.of()).launched())
                .extracting(Agent::templateName).containsExactly("linux");
        assertThat(engine.pausedBecause()).isEmpty();
    }
}
