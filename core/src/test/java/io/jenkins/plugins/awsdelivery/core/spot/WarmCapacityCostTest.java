package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * What warm capacity is charged: the time an agent launched or kept for the forecast waits for its first build.
 * When that build would surely have launched an agent without warm capacity (builds still queued, no executor of a
 * non-warm agent free or freeing within the lead time), the boot goes back to the base cost; otherwise it stays.
 */
class WarmCapacityCostTest {

    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
    private static final double PRICE = 0.036;
    private static final ToDoubleFunction<Agent> AT_PRICE = a -> PRICE;
    private static final Duration LEAD = Duration.ofSeconds(90);
    private static final SpotFleetConfig CONFIG = SpotEngineTest.config()
            .warmCapacity(WarmCapacityBudget.percent(10)).build();

    private static double usd(double seconds) {
        return PRICE * seconds / 3600.0;
    }

    private static Agent agent(String id) {
        return new Agent(id, new Pool("m5.large", "subnet-a"), Market.SPOT, T0, 2, false);
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void aWarmAgentThatTakesABuildIsChargedTheWaitForItNotItsBoot() {
        WarmCapacity warm = new WarmCapacity();
        Agent used = agent("i-0000000000000001a");
        Agent unused = agent("i-0000000000000002b");
        warm.launched(Map.of(AgentTemplate.DEFAULT_NAME, 2), List.of(used, unused), T0);
        List<Agent> both = List.of(used, unused);

        warm.charge(T0, at(80), both, AT_PRICE);
        used.report(new AgentReport(used.instanceId(), true, 0), at(80));
        unused.report(new AgentReport(unused.instanceId(), true, 0), at(80));
        warm.afterReports(both, at(80), LEAD, AT_PRICE, t -> 1);
        warm.charge(at(80), at(120), both, AT_PRICE);
        used.report(new AgentReport(used.instanceId(), true, 1), at(120));
        warm.afterReports(both, at(120), LEAD, AT_PRICE, t -> 1);
        warm.charge(at(120), at(300), both, AT_PRICE);
        warm.afterReports(both, at(300), LEAD, AT_PRICE, t -> 1);

        // The used agent: 120 s warm, less its 80 s boot. The unused one: all 300 s, boot included.
        assertThat(warm.ledger().warmUsd(at(300))).isCloseTo(usd(40 + 300), within(1e-12));
        SpotMetrics.Warm m = warm.metrics(CONFIG, at(300));
        assertThat(m.warmUsd()).isCloseTo(usd(40 + 300), within(1e-12));
        assertThat(m.warmAgentHours()).isCloseTo((40 + 300) / 3600.0, within(1e-9));
        // Nothing is lost: what left warm capacity is in the base cost (the used agent after its first build too).
        assertThat(m.warmUsd() + m.baseUsd()).isCloseTo(usd(120 + 180 + 300), within(1e-12));
        assertThat(m.buildsOnWarm()).isEqualTo(1);
        assertThat(warm.isWarm(used.instanceId())).isFalse();
        assertThat(warm.isWarm(unused.instanceId())).isTrue();
    }

    @Test
    void aKeptAgentThatTakesABuildGivesBackTheLaunchItSavedAtMostWhatItWasCharged() {
        WarmCapacity warm = new WarmCapacity();
        Agent longKept = agent("i-0000000000000003c");
        Agent briefly = agent("i-0000000000000004d");
        for (Agent a : List.of(longKept, briefly)) {
            a.report(new AgentReport(a.instanceId(), true, 0), at(80));
        }
        List<Agent> both = List.of(longKept, briefly);
        warm.kept(longKept, at(600));
        warm.charge(at(600), at(870), both, AT_PRICE);
        warm.kept(briefly, at(870));
        warm.charge(at(870), at(900), both, AT_PRICE);
        longKept.report(new AgentReport(longKept.instanceId(), true, 1), at(900));
        briefly.report(new AgentReport(briefly.instanceId(), true, 1), at(900));
        warm.afterReports(both, at(900), LEAD, AT_PRICE, t -> 1);

        // Charged 300 s and 30 s: the first gives back the lead time, 90 s; the second the 30 s it was charged.
        assertThat(warm.ledger().warmUsd(at(900))).isCloseTo(usd(300 + 30 - 90 - 30), within(1e-12));
    }

    @Test
    void anAgentGivesBackAtMostWhatItWasChargedWhenThePriceRoseSince() {
        WarmCapacity warm = new WarmCapacity();
        Agent cheap = agent("i-000000000000000a3");
        Agent other = agent("i-000000000000000b4");
        warm.launched(Map.of(AgentTemplate.DEFAULT_NAME, 2), List.of(cheap, other), T0);
        warm.charge(T0, at(100), List.of(cheap, other), AT_PRICE);
        cheap.report(new AgentReport(cheap.instanceId(), true, 0), at(100));
        cheap.report(new AgentReport(cheap.instanceId(), true, 1), at(100));
        // The Spot price tripled since: the 100 s boot at today's price would be three times what it was charged.
        warm.afterReports(List.of(cheap, other), at(100), LEAD, a -> 3 * PRICE, t -> 1);

        // Only its own 100 s go back; the other agent's charge stays whole.
        assertThat(warm.ledger().warmUsd(at(100))).isCloseTo(usd(100), within(1e-12));
        assertThat(warm.metrics(CONFIG, at(100)).warmAgentHours()).isCloseTo(100 / 3600.0, within(1e-9));
    }

    @Test
    void theBootStaysWarmWhenAnotherExecutorOrNoQueueSaysTheBuildNeedNotHaveLaunched() {
        for (boolean queueLeft : new boolean[] {false, true}) {
            WarmCapacity warm = new WarmCapacity();
            Agent base = agent("i-0000000000000005e");
            Agent warmAgent = agent("i-0000000000000006f");
            base.report(new AgentReport(base.instanceId(), true, 1), at(0));
            warm.launched(Map.of(AgentTemplate.DEFAULT_NAME, 1), List.of(warmAgent), T0);
            List<Agent> both = List.of(base, warmAgent);
            warm.charge(T0, at(120), both, AT_PRICE);
            warmAgent.report(new AgentReport(warmAgent.instanceId(), true, 0), at(80));
            // Queue left or not, the agent that was not warm has a free executor: its build did not need a launch.
            warmAgent.report(new AgentReport(warmAgent.instanceId(), true, 1), at(120));
            warm.afterReports(both, at(120), LEAD, AT_PRICE, t -> queueLeft ? 3 : 0);

            assertThat(warm.ledger().warmUsd(at(120))).as("queue left: " + queueLeft).isCloseTo(usd(120),
                    within(1e-12));
        }
        // The base agent full, but nothing queued: the warm agent may have served the only build there was, which
        // an executor freeing up could have served too.
        WarmCapacity warm = new WarmCapacity();
        Agent base = agent("i-00000000000000070");
        Agent warmAgent = agent("i-00000000000000081");
        base.report(new AgentReport(base.instanceId(), true, 2), at(0));
        warm.launched(Map.of(AgentTemplate.DEFAULT_NAME, 1), List.of(warmAgent), T0);
        warm.charge(T0, at(120), List.of(base, warmAgent), AT_PRICE);
        warmAgent.report(new AgentReport(warmAgent.instanceId(), true, 0), at(80));
        warmAgent.report(new AgentReport(warmAgent.instanceId(), true, 1), at(120));
        warm.afterReports(List.of(base, warmAgent), at(120), LEAD, AT_PRICE, t -> 0);
        assertThat(warm.ledger().warmUsd(at(120))).isCloseTo(usd(120), within(1e-12));
        // The same with builds still queued: the boot goes back.
        Agent another = agent("i-00000000000000092");
        warm.launched(Map.of(AgentTemplate.DEFAULT_NAME, 1), List.of(another), at(120));
        warm.charge(at(120), at(240), List.of(base, another), AT_PRICE);
        another.report(new AgentReport(another.instanceId(), true, 0), at(200));
        another.report(new AgentReport(another.instanceId(), true, 1), at(240));
        warm.afterReports(List.of(base, another), at(240), LEAD, AT_PRICE, t -> 4);
        assertThat(warm.ledger().warmUsd(at(240))).isCloseTo(usd(120 + 120 - 80), within(1e-12));
    }

    @Test
    void theLedgerMovesWarmCostToBaseNewestFirstAndNeverBelowZero() {
        WarmLedger ledger = new WarmLedger();
        ledger.add(at(0), 0.10, 0.02);
        ledger.add(at(600), 0.10, 0.01);

        assertThat(ledger.reattribute(at(660), 0.015)).isCloseTo(0.015, within(1e-12));
        assertThat(ledger.warmUsd(at(660))).isCloseTo(0.015, within(1e-12));
        assertThat(ledger.baseUsd(at(660))).isCloseTo(0.215, within(1e-12));
        // More than is left: only what is there moves, and the snapshot (which refuses negative figures) restores.
        assertThat(ledger.reattribute(at(700), 1.0)).isCloseTo(0.015, within(1e-12));
        assertThat(ledger.warmUsd(at(700))).isZero();
        assertThat(WarmLedger.restore(ledger.snapshot()).warmUsd(at(700))).isZero();
        assertThatThrownBy(() -> ledger.reattribute(at(700), -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
