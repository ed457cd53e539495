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
}
