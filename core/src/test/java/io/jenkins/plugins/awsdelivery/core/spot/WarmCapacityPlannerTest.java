package io.jenkins.plugins.awsdelivery.core.spot;

import static io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecastTest.LEAD;
import static io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecastTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmCapacityPlannerTest {

    private final WarmCapacityPlanner planner = new WarmCapacityPlanner();

    private static ArrivalForecast learntSpike() {
        ArrivalForecast f = new ArrivalForecast();
        ArrivalForecastTest.replay(f, "linux", MONDAY, 3, true, 1);
        return f;
    }

    @Test
    void executorsAreWantedOneLeadTimeBeforeTheSpikeAndNoneOnAQuietNight() {
        ArrivalForecast f = learntSpike();
        Instant day = MONDAY.plus(Duration.ofDays(22));
        assertThat(planner.plan(f, List.of("linux"), day.plusSeconds(2 * 3600 - 150), LEAD).executors())
                .as("the window (90 s + 30 s) ends before 02:00").isZero();
        WarmCapacityPlanner.Plan before = planner.plan(f, List.of("linux"), day.plusSeconds(2 * 3600 - 90), LEAD);
        assertThat(before.expectedArrivals()).isCloseTo(15, within(0.01));
        assertThat(before.executors()).isEqualTo(20);
        assertThat(before.reason()).contains("within 120 s");
        WarmCapacityPlanner.Plan spike = planner.plan(f, List.of("linux"), day.plusSeconds(2 * 3600 + 60), LEAD);
        assertThat(spike.expectedArrivals()).isCloseTo(60, within(0.01));
        assertThat(spike.executors()).isBetween(60, 75);
        assertThat(planner.plan(f, List.of("linux"), day.plusSeconds(23 * 3600), LEAD).executors()).isZero();
        assertThat(planner.plan(f, List.of("linux"), day.plusSeconds(11 * 3600), LEAD).executors()).isBetween(1, 3);
        assertThat(planner.plan(f, List.of(), day.plusSeconds(2 * 3600), LEAD).executors())
                .as("a template whose labels have no history").isZero();
        assertThat(planner.plan(f, List.of("windows"), day.plusSeconds(2 * 3600), LEAD).executors()).isZero();
    }

    @Test
    void poissonQuantileCoversNineTimesOutOfTen() {
        assertThat(WarmCapacityPlanner.poissonQuantile(0, 0.9)).isZero();
        assertThat(WarmCapacityPlanner.poissonQuantile(0.05, 0.9)).isZero();
        assertThat(WarmCapacityPlanner.poissonQuantile(0.2, 0.9)).isEqualTo(1);
        assertThat(WarmCapacityPlanner.poissonQuantile(10, 0.9)).isEqualTo(14);
        assertThat(WarmCapacityPlanner.poissonQuantile(1000, 0.9)).isEqualTo(1041);
    }

    @Test
    void theBudgetLimitIsTheSmallestOfItsLimitsOverTheLast24Hours() {
        assertThat(WarmCapacityBudget.percent(10).limitUsd(20)).isCloseTo(2, within(1e-9));
        assertThat(new WarmCapacityBudget(10, 1.5, 0).limitUsd(20)).isCloseTo(1.5, within(1e-9));
        assertThat(new WarmCapacityBudget(10, 5, 0).limitUsd(20)).isCloseTo(2, within(1e-9));
        assertThat(new WarmCapacityBudget(0, 0, 3).limitUsd(20)).isInfinite();
        assertThat(WarmCapacityBudget.off().isOff()).isTrue();
        assertThat(WarmCapacityBudget.off().describe()).isEqualTo("off");
        assertThat(new WarmCapacityBudget(10, 1.5, 4).describe())
                .isEqualTo("at most 10.00 % of the daily cost without it and 1.50 USD over 24 h, at most 4 warm agent(s)");
    }

    @Test
    void theLedgerForgetsSpendOlderThan24Hours() {
        WarmLedger ledger = new WarmLedger();
        Instant t = MONDAY;
        ledger.add(t, 10, 1);
        ledger.add(t.plus(Duration.ofHours(12)), 5, 0.5);
        assertThat(ledger.baseUsd(t.plus(Duration.ofHours(23)))).isCloseTo(15, within(1e-9));
        assertThat(ledger.warmUsd(t.plus(Duration.ofHours(23)))).isCloseTo(1.5, within(1e-9));
        assertThat(ledger.baseUsd(t.plus(Duration.ofHours(24)).plusSeconds(300))).isCloseTo(5, within(1e-9));
        assertThat(ledger.warmUsd(t.plus(Duration.ofHours(24)).plusSeconds(300))).isCloseTo(0.5, within(1e-9));
        assertThat(ledger.warmUsd(t.plus(Duration.ofDays(5)))).isZero();
        // Per day over the week: 15 USD over the 5 days seen.
        assertThat(ledger.baseUsdPerDay(t.plus(Duration.ofDays(5)))).isCloseTo(3, within(0.05));
        assertThatThrownBy(() -> ledger.add(t, -1, 0)).hasMessageContaining("0 or more");

        // Kept across a restart: the same figures, and it goes on counting.
        WarmLedger back = WarmLedger.restore(ledger.snapshot());
        Instant later = t.plus(Duration.ofDays(5));
        assertThat(back.snapshot()).isEqualTo(ledger.snapshot());
        assertThat(back.baseUsdPerDay(later)).isCloseTo(ledger.baseUsdPerDay(later), within(1e-9));
        back.add(later.plusSeconds(60), 1, 0.25);
        assertThat(back.warmUsd(later.plusSeconds(60))).isCloseTo(0.25, within(1e-9));
        assertThat(WarmLedger.restore("").baseUsdPerDay(later)).isZero();
        assertThatThrownBy(() -> WarmLedger.restore("wl1;1;2;3")).hasMessageContaining("delete it");
        assertThatThrownBy(() -> WarmLedger.restore("wl0;1;2;;3;")).hasMessageContaining("malformed");
    }

    @Test
    void badBudgetsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> WarmCapacityBudget.percent(150)).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> new WarmCapacityBudget(0, -1, 0)).hasMessageContaining("USD per day");
        assertThatThrownBy(() -> new WarmCapacityBudget(0, 0, -2)).hasMessageContaining("idle agents");
    }
}
