package io.jenkins.plugins.awsdelivery.core.spot;

import static io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecastTest.LEAD;
import static io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecastTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmCapacityPlannerTest {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final double PRICE = 0.04;
    private final WarmCapacityPlanner planner = new WarmCapacityPlanner();

    private static ArrivalForecast learntSpike() {
        ArrivalForecast f = new ArrivalForecast();
        ArrivalForecastTest.replay(f, "linux", MONDAY, 3, true, 1);
        return f;
    }

    @Test
    void offByDefaultKeepsNothing() {
        ArrivalForecast f = learntSpike();
        Instant beforeSpike = MONDAY.plus(Duration.ofDays(22)).plusSeconds(2 * 3600 - 90);
        WarmCapacityPlanner.Plan plan = planner.plan(WarmCapacityBudget.off(), f, "linux", beforeSpike, LEAD, STEP,
                2, PRICE, new WarmSpend(1000, 0, 0, 0));
        assertThat(plan.warmAgents()).isZero();
        assertThat(plan.reason()).contains("off");
    }

    @Test
    void agentsAreWarmBeforeTheSpikeAndNoneOnAQuietNight() {
        ArrivalForecast f = learntSpike();
        WarmCapacityBudget budget = new WarmCapacityBudget(0, 0, 40);
        Instant day = MONDAY.plus(Duration.ofDays(22));
        WarmCapacityPlanner.Plan spike = planner.plan(budget, f, "linux", day.plusSeconds(2 * 3600 - 90), LEAD,
                STEP, 2, PRICE, WarmSpend.none());
        assertThat(spike.warmAgents()).isGreaterThanOrEqualTo(20).isLessThanOrEqualTo(40);
        assertThat(spike.reason()).contains("within 90 s");
        WarmCapacityPlanner.Plan quiet = planner.plan(budget, f, "linux", day.plusSeconds(23 * 3600), LEAD, STEP,
                2, PRICE, WarmSpend.none());
        assertThat(quiet.warmAgents()).isZero();
        assertThat(quiet.wantedAgents()).isZero();
        WarmCapacityPlanner.Plan working = planner.plan(budget, f, "linux", day.plusSeconds(11 * 3600), LEAD, STEP,
                2, PRICE, WarmSpend.none());
        assertThat(working.warmAgents()).isBetween(1, 3);
    }

    @Test
    void theBudgetIsNeverExceeded() {
        ArrivalForecast f = learntSpike();
        // 10 % over a fleet of 3 agents on average, 1 USD a day, at most 8 idle agents: check every limit binds.
        for (WarmCapacityBudget budget : new WarmCapacityBudget[] {WarmCapacityBudget.percent(10),
                new WarmCapacityBudget(0, 1.0, 0), new WarmCapacityBudget(0, 0, 8), new WarmCapacityBudget(25, 0.5, 6)}) {
            WarmSpend spend = WarmSpend.none();
            int most = 0;
            Instant start = MONDAY.plus(Duration.ofDays(21));
            for (int minute = 0; minute < 7 * 24 * 60; minute++) {
                Instant now = start.plusSeconds(minute * 60L);
                WarmCapacityPlanner.Plan plan = planner.plan(budget, f, "linux", now, LEAD, STEP, 2, PRICE, spend);
                most = Math.max(most, plan.warmAgents());
                double base = 3 * PRICE / 60;
                double warm = plan.warmAgents() * PRICE / 60;
                spend = spend.charge(now.plus(STEP), base + warm, warm);
                if (budget.percentOverBase() > 0) {
                    assertThat(spend.warmUsd()).isLessThanOrEqualTo(budget.percentOverBase() / 100 * spend.baseUsd()
                            + 1e-9);
                }
                if (budget.usdPerDay() > 0) {
                    assertThat(spend.warmUsdToday()).isLessThanOrEqualTo(budget.usdPerDay() + 1e-9);
                }
                if (budget.maxIdleAgents() > 0) {
                    assertThat(plan.warmAgents()).isLessThanOrEqualTo(budget.maxIdleAgents());
                }
            }
            // The budget was used, not just respected by keeping nothing.
            assertThat(spend.warmUsd()).as("warm spend under %s", budget).isGreaterThan(0);
            assertThat(most).isGreaterThan(0);
        }
    }

    @Test
    void aPercentageBudgetStartsWithNothingToSpend() {
        ArrivalForecast f = learntSpike();
        Instant beforeSpike = MONDAY.plus(Duration.ofDays(22)).plusSeconds(2 * 3600 - 90);
        assertThat(planner.plan(WarmCapacityBudget.percent(25), f, "linux", beforeSpike, LEAD, STEP, 2, PRICE,
                WarmSpend.none()).warmAgents()).isZero();
        // 10 USD spent without warm capacity: 2.5 USD to spend, 0.04/60 per agent-minute: every wanted agent fits.
        WarmCapacityPlanner.Plan plan = planner.plan(WarmCapacityBudget.percent(25), f, "linux", beforeSpike, LEAD,
                STEP, 2, PRICE, new WarmSpend(10, 0, 0, 0));
        assertThat(plan.warmAgents()).isEqualTo(plan.wantedAgents()).isGreaterThan(0);
    }

    @Test
    void poissonQuantileCoversNineTimesOutOfTen() {
        assertThat(WarmCapacityPlanner.poissonQuantile(0, 0.9)).isZero();
        assertThat(WarmCapacityPlanner.poissonQuantile(0.05, 0.9)).isZero();
        assertThat(WarmCapacityPlanner.poissonQuantile(0.2, 0.9)).isEqualTo(1);
        assertThat(WarmCapacityPlanner.poissonQuantile(10, 0.9)).isEqualTo(14);
    }

    @Test
    void badBudgetsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> new WarmCapacityBudget(150, 0, 0)).hasMessageContaining("percent");
        assertThatThrownBy(() -> new WarmCapacityBudget(0, -1, 0)).hasMessageContaining("USD per day");
        assertThatThrownBy(() -> new WarmCapacityBudget(0, 0, -2)).hasMessageContaining("idle agents");
        assertThatThrownBy(() -> WarmSpend.none().charge(MONDAY, 1, 2)).hasMessageContaining("warm part");
    }
}
