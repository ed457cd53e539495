package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetPlannerTest {

    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final FleetPlanner planner = new FleetPlanner();

    private static SpotFleetConfig config(int min, int max, int onDemandBase) {
        return SpotEngineTest.config().capacity(min, max, onDemandBase).build();
    }

    private Agent agent(String id, Market market, AgentState state, int busy, Duration idleFor) {
        Agent a = new Agent(id, new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), market, now.minusSeconds(3600),
                2, false);
        a.report(new AgentReport(id, true, busy), now.minus(idleFor));
        a.state(state);
        return a;
    }

    /** An online agent with both executors busy, reported at {@code at} with the two builds' remaining times. */
    private Agent busyBoth(String id, Instant at, Duration first, Duration second) {
        Agent a = agent(id, Market.SPOT, AgentState.ONLINE, 0, Duration.ZERO);
        a.report(new AgentReport(id, true, 2, List.of(first, second)), at);
        return a;
    }

    @Test
    void launchingCapacityCountsAgainstTheQueue() {
        List<Agent> agents = new ArrayList<>();
        Agent launching = new Agent("i-1", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT, now, 2,
                false);
        agents.add(launching);

        FleetPlanner.Plan plan = planner.plan(config(0, 10, 0), Demand.of("linux", 5), agents, now);

        assertThat(plan.launchUnits()).as("5 queued - 2 launching = 3 executors = 2 agents").isEqualTo(2);
    }

    @Test
    void executorsFreeingWithinTheLeadTimeCountAsFree() {
        Agent a = busyBoth("i-1", now, Duration.ofSeconds(30), Duration.ofMinutes(10));
        Duration lead = Duration.ofSeconds(90);

        FleetPlanner.Plan one = planner.plan(config(0, 10, 0), Demand.of("linux", 1), List.of(a), now, lead);
        FleetPlanner.Plan three = planner.plan(config(0, 10, 0), Demand.of("linux", 3), List.of(a), now, lead);
        FleetPlanner.Plan four = planner.plan(config(0, 10, 0), Demand.of("linux", 4), List.of(a), now, lead);
        FleetPlanner.Plan later = planner.plan(config(0, 10, 0), Demand.of("linux", 1), List.of(a),
                now.plusSeconds(5), Duration.ofSeconds(20));

        assertThat(one.launchUnits()).isZero();
        assertThat(one.reason()).contains("1 executor(s) expected to finish within 90 s");
        assertThat(three.launchUnits()).as("3 queued - 1 finishing = 2 executors = 1 agent").isEqualTo(1);
        assertThat(four.launchUnits()).as("4 queued - 1 finishing = 3 executors = 2 agents").isEqualTo(2);
        assertThat(four.reason()).contains("1 finishing within 90 s");
        assertThat(later.launchUnits()).as("5 s after the report the build has 25 s to go; a new agent takes 20 s")
                .isEqualTo(1);
    }

    @Test
    void anExpectedEndAlreadyPastDoesNotCount() {
        Agent a = busyBoth("i-1", now.minusSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(40));

        FleetPlanner.Plan plan = planner.plan(config(0, 10, 0), Demand.of("linux", 1), List.of(a), now,
                Duration.ofSeconds(90));

        assertThat(plan.launchUnits()).as("both builds overran what the last report said: no executor in sight")
                .isEqualTo(1);
    }

    @Test
    void anEndExactlyNowDoesNotCountAndOneExactlyAtTheLeadTimeDoes() {
        Agent a = busyBoth("i-1", now.minusSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(120));

        FleetPlanner.Plan plan = planner.plan(config(0, 10, 0), Demand.of("linux", 3), List.of(a), now,
                Duration.ofSeconds(90));

        assertThat(plan.launchUnits()).as("the end due now is overdue; the one at now + 90 s counts: 3 - 1 = 2")
                .isEqualTo(1);
        assertThat(plan.reason()).contains("1 finishing within 90 s");
    }

    @Test
    void neverMoreFinishingThanBusyExecutorsNorOnAnAgentNotTakingWork() {
        Agent online = agent("i-1", Market.SPOT, AgentState.ONLINE, 0, Duration.ZERO);
        online.report(new AgentReport("i-1", true, 1, List.of(Duration.ofSeconds(10), Duration.ofSeconds(10))),
                now);
        Agent launching = new Agent("i-2", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT, now, 2,
                false);
        launching.report(new AgentReport("i-2", false, 2, List.of(Duration.ofSeconds(10), Duration.ofSeconds(10))),
                now);

        FleetPlanner.Plan onlineOnly = planner.plan(config(0, 10, 0), Demand.of("linux", 3), List.of(online), now,
                Duration.ofSeconds(90));
        FleetPlanner.Plan withLaunching = planner.plan(config(0, 10, 0), Demand.of("linux", 2), List.of(launching),
                now, Duration.ofSeconds(90));

        assertThat(onlineOnly.launchUnits()).as("1 free + 1 finishing (not 2) for 3 queued").isEqualTo(1);
        assertThat(launching.state()).isEqualTo(AgentState.LAUNCHING);
        assertThat(withLaunching.launchUnits()).as("an agent not connected yet frees nothing for the queue")
                .isEqualTo(1);
    }

    @Test
    void finishingWorkOnAnAgentUnderNoticeDoesNotCount() {
        Agent a = busyBoth("i-1", now, Duration.ofSeconds(10), Duration.ofSeconds(10));
        a.state(AgentState.DRAINING);

        assertThat(planner.plan(config(0, 10, 0), Demand.of("linux", 2), List.of(a), now, Duration.ofSeconds(90))
                .launchUnits()).isEqualTo(1);
    }

    @Test
    void atTheMaximumAnAgentUnderRebalanceStillCountsButOneUnderWarningDoesNot() {
        Agent rebalancing = agent("i-1", Market.SPOT, AgentState.ONLINE, 2, Duration.ZERO);
        rebalancing.notice(new InterruptionNotice("i-1", NoticeKind.REBALANCE, "", now, "imds"));
        rebalancing.state(AgentState.DRAINING);
        Agent warned = agent("i-2", Market.SPOT, AgentState.ONLINE, 2, Duration.ZERO);
        warned.notice(new InterruptionNotice("i-2", NoticeKind.INTERRUPTION, "terminate", now.plusSeconds(120),
                "imds"));
        warned.state(AgentState.DRAINING);
        Agent busy = agent("i-3", Market.SPOT, AgentState.ONLINE, 2, Duration.ZERO);

        FleetPlanner.Plan plan = planner.plan(config(0, 3, 0), Demand.of("linux", 6), List.of(rebalancing, warned,
                busy), now);

        assertThat(plan.launchUnits()).as("max 3: the busy agent and the rebalancing one leave room for one")
                .isEqualTo(1);
        assertThat(plan.reason()).contains("capped at the maximum of 3");
    }

    @Test
    void aRebalancingAgentCountsByItsWeightAndATerminatedOneNotAtAll() {
        Agent heavy = new Agent("i-1", new Pool("m5.xlarge", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT,
                now.minusSeconds(600), 4, false);
        heavy.report(new AgentReport("i-1", true, 4), now);
        heavy.notice(new InterruptionNotice("i-1", NoticeKind.REBALANCE, "", now, "imds"));
        heavy.state(AgentState.DRAINING);
        Agent gone = agent("i-2", Market.SPOT, AgentState.ONLINE, 0, Duration.ZERO);
        gone.notice(new InterruptionNotice("i-2", NoticeKind.REBALANCE, "", now, "imds"));
        gone.state(AgentState.TERMINATED);

        FleetPlanner.Plan plan = planner.plan(config(0, 3, 0), Demand.of("linux", 6), List.of(heavy, gone), now);

        assertThat(plan.launchUnits()).as("max 3, the 4-executor agent weighs 2, the terminated one nothing")
                .isEqualTo(1);
    }

    @Test
    void drainingAgentsDoNotCountSoTheirWorkGetsAReplacement() {
        List<Agent> agents = List.of(agent("i-1", Market.SPOT, AgentState.DRAINING, 2, Duration.ZERO));

        assertThat(planner.plan(config(0, 10, 0), Demand.of("linux", 2), agents, now).launchUnits()).isEqualTo(1);
    }

    @Test
    void minimumIsKeptWithoutDemand() {
        assertThat(planner.plan(config(2, 10, 0), Demand.none(), List.of(), now).launchUnits()).isEqualTo(2);
    }

    @Test
    void onDemandBaseComesFirst() {
        FleetPlanner.Plan plan = planner.plan(config(0, 10, 2), Demand.of("", 10), List.of(), now);

        assertThat(plan.launchUnits()).isEqualTo(5);
        assertThat(plan.onDemandUnits()).isEqualTo(2);
    }

    @Test
    void retiresOnDemandAboveTheBaseFirstThenSpotAndNeverBusyOrRecentlyUsedAgents() {
        List<Agent> agents = List.of(
                agent("i-spot-old", Market.SPOT, AgentState.ONLINE, 0, Duration.ofMinutes(30)),
                agent("i-od", Market.ON_DEMAND, AgentState.ONLINE, 0, Duration.ofMinutes(15)),
                agent("i-busy", Market.SPOT, AgentState.ONLINE, 1, Duration.ofMinutes(60)),
                agent("i-recent", Market.SPOT, AgentState.ONLINE, 0, Duration.ofMinutes(2)));

        FleetPlanner.Plan plan = planner.plan(config(1, 10, 0), Demand.none(), agents, now);

        assertThat(plan.retire()).extracting(Agent::instanceId).containsExactly("i-od", "i-spot-old");
    }

    @Test
    void theOnDemandBaseRetiresLast() {
        List<Agent> agents = List.of(
                agent("i-od", Market.ON_DEMAND, AgentState.ONLINE, 0, Duration.ofMinutes(30)),
                agent("i-spot", Market.SPOT, AgentState.ONLINE, 0, Duration.ofMinutes(15)));

        FleetPlanner.Plan plan = planner.plan(config(1, 10, 1), Demand.none(), agents, now);

        assertThat(plan.retire()).extracting(Agent::instanceId).containsExactly("i-spot");
    }

    @Test
    void samePlanForTheSameInputs() {
        List<Agent> agents = List.of(agent("i-1", Market.SPOT, AgentState.ONLINE, 1, Duration.ZERO));
        FleetPlanner.Plan a = planner.plan(config(0, 3, 0), Demand.of("linux", 9), agents, now);
        FleetPlanner.Plan b = planner.plan(config(0, 3, 0), Demand.of("linux", 9), agents, now);

        assertThat(a).isEqualTo(b);
        assertThat(a.launchUnits()).isEqualTo(2);
        assertThat(a.reason()).contains("capped at the maximum of 3");
    }

    private Agent of(String template, int maxUses, String id, int executors, int busy, int accepted) {
        Agent a = new Agent(id, new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT,
                now.minusSeconds(3600), executors, false, template, maxUses);
        a.report(new AgentReport(id, true, busy, List.of(), accepted), now);
        return a;
    }

    @Test
    void aUsedUpAgentIsNoCapacityDrainsAndStillHoldsItsPlaceWhileBusy() {
        SpotFleetConfig c = SpotEngineTest.config().capacity(0, 2, 0).maxTotalUses(3).build();
        Agent usedUp = of("default", 3, "i-1", 2, 1, 3);
        Agent fresh = of("default", 3, "i-2", 2, 0, 0);

        FleetPlanner.Plan plan = planner.plan(c, Demand.of("linux", 3), List.of(usedUp, fresh), now);

        assertThat(usedUp.usedUp()).isTrue();
        assertThat(usedUp.state()).as("takes no more work").isEqualTo(AgentState.DRAINING);
        assertThat(usedUp.acceptingWork()).isFalse();
        assertThat(usedUp.freeCapacity()).as("one executor is free but no use is left").isZero();
        assertThat(plan.launchUnits()).as("3 queued, only the fresh agent's 2 executors; the used-up agent, busy, "
                + "still holds one of the 2 places").isZero();
        assertThat(plan.reason()).contains("at the maximum of 2");
        assertThat(plan.retire()).as("a busy agent is never retired").isEmpty();
    }

    @Test
    void singleUseAgentsAreNeverCountedForASecondBuild() {
        SpotFleetConfig c = SpotEngineTest.config().maxTotalUses(1).build();
        Agent launching = new Agent("i-1", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT, now, 2,
                false, "default", 1);
        Agent running = of("default", 1, "i-2", 2, 1, 1);

        FleetPlanner.Plan plan = planner.plan(c, Demand.of("linux", 4), List.of(launching, running), now,
                Duration.ofSeconds(90));

        assertThat(launching.freeCapacity()).as("2 executors, 1 use").isEqualTo(1);
        assertThat(running.state()).isEqualTo(AgentState.DRAINING);
        assertThat(plan.launchUnits()).as("4 queued: the launching agent takes 1, the busy one none, and each new "
                + "agent takes 1 although it has 2 executors").isEqualTo(3);
    }

    @Test
    void usesLeftBoundFreeAndFinishingExecutors() {
        SpotFleetConfig c = SpotEngineTest.config().executorsPerAgent(4).maxTotalUses(3).build();
        Agent a = new Agent("i-1", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT,
                now.minusSeconds(600), 4, false, "default", 3);
        a.report(new AgentReport("i-1", true, 2, List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), 2), now);

        assertThat(a.usesLeft()).isEqualTo(1);
        assertThat(a.freeCapacity()).as("2 executors free, 1 use left").isEqualTo(1);
        assertThat(planner.plan(c, Demand.of("linux", 2), List.of(a), now, Duration.ofSeconds(90)).launchUnits())
                .as("the builds finishing soon free executors the agent may not use").isEqualTo(1);
    }

    @Test
    void templatesArePlannedIndependentlyUnderTheSharedMaximum() {
        AgentTemplate small = AgentTemplateTest.template("small", "linux").executorsPerAgent(2).capacity(0, 10)
                .build();
        AgentTemplate win = AgentTemplateTest.template("win", "windows").capacity(0, 3).build();
        AgentTemplate gpu = AgentTemplateTest.template("gpu", "gpu").capacity(1, 4).maxTotalUses(1).build();
        SpotFleetConfig c = SpotFleetConfig.builder("ci", "jenkins-test").subnetIds(SpotEngineTest.SUBNETS)
                .templates(List.of(small, win, gpu)).maxAgents(20).onDemandBase(1).build();
        Agent smallBusy = of("small", 0, "i-1", 2, 1, 1);

        FleetPlanner.Plan plan = planner.plan(c, new Demand(java.util.Map.of("linux", 5, "windows", 8)),
                List.of(smallBusy), now);

        assertThat(plan.launches()).containsExactly(new FleetPlanner.Launch("small", 2, 1),
                new FleetPlanner.Launch("win", 3, 0), new FleetPlanner.Launch("gpu", 1, 0));
        assertThat(plan.launchUnits()).isEqualTo(6);
        assertThat(plan.onDemandUnits()).isEqualTo(1);
        assertThat(plan.reason()).contains("small: 5 queued executor(s), 1 free or launching: launching 2 agent(s)")
                .contains("win: 8 queued executor(s), 0 free or launching: launching 3 agent(s) (capped at the "
                        + "maximum of 3)")
                .contains("gpu: 0 queued executor(s), 0 free or launching: launching 1 agent(s)");
    }

    @Test
    void aShortCloudWideMaximumServesMinimaFirstThenTheTemplateWithFewestAgents() {
        AgentTemplate a = AgentTemplateTest.template("a", "a").capacity(1, 10).build();
        AgentTemplate b = AgentTemplateTest.template("b", "b").capacity(0, 10).build();
        AgentTemplate d = AgentTemplateTest.template("d", "d").capacity(2, 10).build();
        SpotFleetConfig c = SpotFleetConfig.builder("ci", "jenkins-test").subnetIds(SpotEngineTest.SUBNETS)
                .templates(List.of(a, b, d)).maxAgents(8).build();
        List<Agent> running = List.of(of("b", 0, "i-1", 1, 1, 1), of("b", 0, "i-2", 1, 1, 1));

        FleetPlanner.Plan plan = planner.plan(c, new Demand(java.util.Map.of("a", 9, "b", 9, "d", 9)), running,
                now);

        // 6 places: minima first (a 1, d 2), then one at a time to the fewest, the first on a tie: a (1 agent),
        // a (2, tied with b and d), b (2, tied with d). Agents then: a 3, b 3, d 2.
        assertThat(plan.launches()).containsExactly(new FleetPlanner.Launch("a", 3, 0),
                new FleetPlanner.Launch("b", 1, 0), new FleetPlanner.Launch("d", 2, 0));
        assertThat(plan.reason()).contains("a: 9 queued executor(s), 0 free or launching: launching 3 agent(s) "
                + "(capped at the cloud-wide maximum of 8)");

        FleetPlanner.Plan full = planner.plan(c, new Demand(java.util.Map.of("b", 9)), running,
                now);
        assertThat(full.launches()).as("the minima are kept before b gets more")
                .containsExactly(new FleetPlanner.Launch("a", 1, 0), new FleetPlanner.Launch("b", 3, 0),
                        new FleetPlanner.Launch("d", 2, 0));
    }

    @Test
    void anAgentOfARemovedTemplateIsNoCapacityAndRetiresAsSoonAsIdle() {
        SpotFleetConfig c = SpotEngineTest.config().build();
        Agent orphan = of("gpu", 0, "i-1", 2, 0, 0);
        Agent busyOrphan = of("gpu", 0, "i-2", 2, 1, 1);

        FleetPlanner.Plan plan = planner.plan(c, Demand.of("linux", 2), List.of(orphan, busyOrphan), now);

        assertThat(plan.launchUnits()).isEqualTo(1);
        assertThat(plan.retire()).containsExactly(orphan);
    }

    @Test
    void eachTemplateRetiresByItsOwnIdleTimeoutAndMinimum() {
        AgentTemplate quick = AgentTemplateTest.template("quick", "q").idleTimeout(Duration.ofMinutes(1)).build();
        AgentTemplate kept = AgentTemplateTest.template("kept", "k").capacity(1, 5).build();
        SpotFleetConfig c = SpotFleetConfig.builder("ci", "jenkins-test").subnetIds(SpotEngineTest.SUBNETS)
                .templates(List.of(quick, kept)).build();
        Agent q = new Agent("i-q", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT,
                now.minusSeconds(3600), 1, false, "quick", 0);
        q.report(new AgentReport("i-q", true, 0), now.minusSeconds(120));
        Agent k = new Agent("i-k", new Pool("m5.large", "subnet-0aaaaaaaaaaaaaaa1"), Market.SPOT,
                now.minusSeconds(3600), 1, false, "kept", 0);
        k.report(new AgentReport("i-k", true, 0), now.minusSeconds(3000));

        assertThat(planner.plan(c, Demand.none(), List.of(q, k), now).retire()).containsExactly(q);
    }
}
