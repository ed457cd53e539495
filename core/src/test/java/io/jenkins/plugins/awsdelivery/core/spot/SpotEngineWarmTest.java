package io.jenkins.plugins.awsdelivery.core.spot;

import static io.jenkins.plugins.awsdelivery.core.spot.ArrivalForecastTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Warm capacity in the engine: agents launched one lead time before a forecast spike, idle agents kept past their
 * idle timeout while builds are expected, the real cost charged and the budget held, driven by a small in-memory
 * EC2 and a small Jenkins (agents connect 80 s after launch, builds of 8 minutes, a step every 10 s).
 */
class SpotEngineWarmTest {

    private static final double PRICE = 0.04;

    /** An EC2 that launches at once in the first pool given and answers every Spot price with {@link #PRICE}. */
    static final class MemoryFleet implements FleetApi {
        final Map<String, ManagedInstance> live = new LinkedHashMap<>();
        private final TestClock clock;
        private int sequence;

        MemoryFleet(TestClock clock) {
            this.clock = clock;
        }

        @Override
        public FleetAnswer createFleet(FleetRequest request) {
            List<LaunchedInstance> out = new ArrayList<>();
            for (int i = 0; i < request.totalUnits(); i++) {
                String id = String.format("i-%017x", ++sequence);
                Pool pool = request.pools().get(0);
                Market market = i < request.spotUnits() ? Market.SPOT : Market.ON_DEMAND;
                live.put(id, new ManagedInstance(id, pool, market, clock.instant(), "running", "10.0.0.1",
                        Map.of(SpotFleetConfig.TAG_TEMPLATE, request.template().name())));
                out.add(new LaunchedInstance(id, pool, market));
            }
            return new FleetAnswer(out, List.of());
        }

        @Override
        public List<ManagedInstance> describeManagedInstances(String controllerId, String cloudName) {
            return new ArrayList<>(live.values());
        }

        @Override
        public Optional<ManagedInstance> describeInstance(String instanceId) {
            return Optional.ofNullable(live.get(instanceId));
        }

        @Override
        public void terminateInstances(Collection<String> instanceIds) {
            instanceIds.forEach(live::remove);
        }

        @Override
        public List<SpotPrice> spotPrices(Collection<String> instanceTypes) {
            return instanceTypes.stream().map(t -> new SpotPrice(t, "eu-west-1a", BigDecimal.valueOf(PRICE),
                    clock.instant())).toList();
        }

        @Override
        public String ensureLaunchTemplate(SpotFleetConfig config) {
            return "lt-0123456789abcdef0";
        }
    }

    /** A small Jenkins: a queue, agents that connect 80 s after launch, builds of a fixed length. */
    static final class MiniJenkins {
        final TestClock clock;
        final SpotEngine engine;
        final Deque<Instant> queue = new ArrayDeque<>();
        final Map<String, List<Instant>> running = new HashMap<>();
        final Map<String, Integer> accepted = new HashMap<>();
        final List<Long> waits = new ArrayList<>();
        final Duration build;

        MiniJenkins(TestClock clock, SpotFleetConfig config, Duration build) {
            this.clock = clock;
            this.build = build;
            this.engine = new SpotEngine(config, new MemoryFleet(clock), clock, new Random(3),
                    new OnDemandPrices(Map.of()));
        }

        void arrive(int count) {
            for (int i = 0; i < count; i++) {
                queue.add(clock.instant());
            }
            engine.arrived("linux", count);
        }

        /** Builds end, queued builds go to connected agents with a free executor, then a step. */
        EngineStep step() {
            Instant now = clock.instant();
            running.values().forEach(ends -> ends.removeIf(e -> !e.isAfter(now)));
            List<AgentReport> reports = new ArrayList<>();
            for (Agent a : engine.agents()) {
                boolean connected = !a.launchedAt().plusSeconds(80).isAfter(now);
                List<Instant> ends = running.computeIfAbsent(a.instanceId(), id -> new ArrayList<>());
                while (connected && a.acceptingWork() && ends.size() < a.executors() && !queue.isEmpty()) {
                    Instant queued = queue.poll();
                    ends.add(now.plus(build));
                    accepted.merge(a.instanceId(), 1, Integer::sum);
                    waits.add(Duration.between(queued, now).toSeconds());
                    engine.buildStarted(a.instanceId(), Duration.between(queued, now));
                }
                reports.add(new AgentReport(a.instanceId(), connected, ends.size(), List.of(),
                        accepted.getOrDefault(a.instanceId(), 0)));
            }
            return engine.step(Demand.of("linux", queue.size()), reports);
        }
    }

    static SpotFleetConfig config(WarmCapacityBudget budget) {
        return SpotEngineTest.config().capacity(0, 80, 0).warmCapacity(budget).build();
    }

    private static String learntSpike() {
        ArrivalForecast f = new ArrivalForecast();
        ArrivalForecastTest.replay(f, "linux", MONDAY, 3, true, 1);
        return f.snapshot();
    }

    @Test
    void offUnlessConfiguredWhateverTheForecastSays() {
        TestClock clock = new TestClock(MONDAY.plus(Duration.ofDays(24)).plusSeconds(2 * 3600 - 90));
        MiniJenkins j = new MiniJenkins(clock, SpotEngineTest.config().capacity(0, 80, 0).build(), Duration.ofMinutes(8));
        j.engine.restoreForecast(learntSpike());
        EngineStep step = j.step();
        assertThat(step.launched()).isEmpty();
        assertThat(step.plan()).doesNotContain("warm");
        assertThat(j.engine.metrics().warm().budget()).isEqualTo("off");
        assertThat(j.engine.metrics().warm().warmLaunches()).isZero();
    }

    @Test
    void aForecastSpikeFindsAgentsUpAndTheirBuildsStartAtOnce() {
        // Thursday of the fourth week, 01:57:00: the spike of 150 builds comes at 02:00 as every night.
        TestClock clock = new TestClock(MONDAY.plus(Duration.ofDays(24)).plusSeconds(2 * 3600 - 180));
        MiniJenkins j = new MiniJenkins(clock, config(new WarmCapacityBudget(0, 0, 60)), Duration.ofMinutes(20));
        j.engine.restoreForecast(learntSpike());
        assertThat(j.step().launched()).as("the window (lead 90 s + 30 s) does not reach 02:00 yet").isEmpty();
        clock.advance(Duration.ofSeconds(90));
        EngineStep early = j.step();
        assertThat(early.launched()).as("15 builds expected in the window's last 30 s: 20 executors")
                .hasSize(10);
        assertThat(early.plan()).contains("warm capacity: 15.0 build(s) expected within 120 s");
        assertThat(j.engine.isWarm(early.launched().get(0).instanceId())).isTrue();
        int launched = early.launched().size();
        for (int s = 10; s <= 90; s += 10) {
            clock.advance(Duration.ofSeconds(10));
            launched += j.step().launched().size();
        }
        // 02:00:00: the spike arrives over five minutes, 5 builds every 10 s.
        for (int s = 0; s < 300; s += 10) {
            j.arrive(5);
            j.step();
            clock.advance(Duration.ofSeconds(10));
        }
        for (int s = 0; s < 120; s += 10) {
            j.step();
            clock.advance(Duration.ofSeconds(10));
        }
        SpotMetrics.Warm w = j.engine.metrics().warm();
        assertThat(launched).isGreaterThan(20);
        assertThat(w.warmLaunches()).isGreaterThanOrEqualTo(launched);
        assertThat(w.buildsOnWarm()).isGreaterThan(100);
        assertThat(w.waitsReported()).isGreaterThan(100);
        assertThat(w.warmAgentsNow()).as("at most the 60 the budget allows, none left idle after the spike")
                .isLessThanOrEqualTo(5);
        assertThat(w.warmAgentHours()).isGreaterThan(0).isLessThan(60 * 5 / 60.0);
        long waited = j.waits.stream().filter(x -> x > 0).count();
        assertThat(waited).as("builds that did not start at once, of 150").isLessThan(15);
        assertThat(j.waits).hasSize(150);
    }

    @Test
    void warmAgentsGoAsSoonAsTheForecastNoLongerWantsThemNotAtTheirIdleTimeout() {
        // The spike is forecast at 02:00, but this night it does not come.
        TestClock clock = new TestClock(MONDAY.plus(Duration.ofDays(24)).plusSeconds(2 * 3600 - 90));
        MiniJenkins j = new MiniJenkins(clock, config(new WarmCapacityBudget(0, 0, 60)), Duration.ofMinutes(20));
        j.engine.restoreForecast(learntSpike());
        int launched = 0;
        List<Agent> retired = new ArrayList<>();
        for (int s = 0; s < 12 * 60; s += 10) {
            EngineStep step = j.step();
            launched += step.launched().size();
            retired.addAll(step.retiring());
            clock.advance(Duration.ofSeconds(10));
        }
        SpotMetrics.Warm w = j.engine.metrics().warm();
        assertThat(launched).as("launched for the forecast spike").isGreaterThan(20);
        assertThat(w.warmLaunches()).isEqualTo(launched);
        assertThat(j.engine.agents()).as("12 minutes later none is left: the forecast wants none after 02:05")
                .isEmpty();
        assertThat(retired).hasSize(launched);
        assertThat(w.released()).as("retired before their 10 minutes idle").isEqualTo(launched);
        assertThat(w.buildsOnWarm()).isZero();
        // Each was charged from its launch until it went: well under the 80 s boot plus 10 minutes idle.
        assertThat(w.warmAgentHours() / launched).isLessThan(8 / 60.0);
    }

    @Test
    void anIdleAgentIsKeptPastItsIdleTimeoutWhileBuildsAreExpectedAndRetiredOnAQuietNight() {
        for (int hour : new int[] {11, 23}) {
            TestClock clock = new TestClock(MONDAY.plus(Duration.ofDays(24)).plusSeconds(hour * 3600 - 1200));
            MiniJenkins j = new MiniJenkins(clock, config(new WarmCapacityBudget(0, 0, 2)), Duration.ofMinutes(5));
            j.engine.restoreForecast(learntSpike());
            j.arrive(1);
            j.step();
            EngineStep last = null;
            List<Agent> retiring = new ArrayList<>();
            for (int s = 0; s < 20 * 60; s += 10) {
                clock.advance(Duration.ofSeconds(10));
                last = j.step();
                retiring.addAll(last.retiring());
            }
            SpotMetrics.Warm w = j.engine.metrics().warm();
            if (hour == 11) {
                assertThat(retiring).as("working hours: about ten builds an hour are expected").isEmpty();
                assertThat(w.warmKeeps()).isEqualTo(1);
                assertThat(w.warmLaunches()).isZero();
                assertThat(w.warmAgentsNow()).isEqualTo(1);
                // Kept from 10:55 (80 s to connect, 5 min of build, 10 min idle) to 11:00: charged for that only.
                assertThat(w.warmAgentHours()).isGreaterThan(0).isLessThan(6 / 60.0);
                assertThat(last.plan()).contains("warm capacity");
            } else {
                assertThat(retiring).as("a quiet night: the idle timeout retires it").hasSize(1);
                assertThat(w.warmKeeps()).isZero();
                assertThat(w.warmAgentHours()).isZero();
            }
        }
    }

    @Test
    void theBudgetOnTheRealCostIsNeverExceeded() {
        for (WarmCapacityBudget budget : List.of(WarmCapacityBudget.percent(10), new WarmCapacityBudget(0, 0.05, 0),
                new WarmCapacityBudget(25, 0, 1))) {
            // Two days of the steady workload (15 builds an hour, 8 minutes each), the forecast learnt a week of it.
            Random r = new Random(11);
            ArrivalForecast f = new ArrivalForecast();
            Instant start = MONDAY.plus(Duration.ofDays(7));
            List<Instant> history = poisson(r, MONDAY, start, 15);
            history.forEach(t -> f.observe("linux", t, 1));
            f.advance(start);
            List<Instant> arrivals = poisson(r, start, start.plus(Duration.ofDays(2)), 15);
            TestClock clock = new TestClock(start);
            MiniJenkins j = new MiniJenkins(clock, config(budget), Duration.ofMinutes(8));
            j.engine.restoreForecast(f.snapshot());
            int next = 0;
            int most = 0;
            double worst = 0;
            double spentBefore = 0;
            while (clock.instant().isBefore(start.plus(Duration.ofDays(2)))) {
                int count = 0;
                while (next < arrivals.size() && !arrivals.get(next).isAfter(clock.instant())) {
                    next++;
                    count++;
                }
                if (count > 0) {
                    j.arrive(count);
                }
                j.step();
                SpotMetrics.Warm w = j.engine.metrics().warm();
                double limit = w.limitUsd();
                // Whenever warm capacity spent, the 24 hours up to then were within the limit. (A percentage limit
                // falls when busy hours leave the window; the engine then spends nothing more until it fits again.)
                if (w.warmUsd() > spentBefore) {
                    worst = Math.max(worst, w.warmUsdLast24h() - limit);
                }
                spentBefore = w.warmUsd();
                most = Math.max(most, w.warmAgentsNow());
                clock.advance(Duration.ofSeconds(10));
            }
            SpotMetrics.Warm w = j.engine.metrics().warm();
            assertThat(worst).as(budget.describe() + ": warm cost over 24 h above the limit").isLessThanOrEqualTo(0);
            assertThat(w.warmLaunches() + w.warmKeeps()).as(budget.describe()).isGreaterThanOrEqualTo(5);
            assertThat(w.buildsOnWarm()).as(budget.describe()).isGreaterThanOrEqualTo(5);
            if (budget.maxIdleAgents() > 0) {
                assertThat(most).isLessThanOrEqualTo(budget.maxIdleAgents());
            }
            if (budget.usdPerDay() > 0) {
                assertThat(w.warmUsdLast24h()).isLessThanOrEqualTo(0.05);
            }
        }
    }

    @Test
    void theForecastIsPersistedAndADamagedOneRefused() {
        TestClock clock = new TestClock(MONDAY.plus(Duration.ofDays(24)));
        MiniJenkins j = new MiniJenkins(clock, config(WarmCapacityBudget.percent(10)), Duration.ofMinutes(8));
        String learnt = learntSpike();
        j.engine.restoreForecast(learnt);
        j.arrive(3);
        String saved = j.engine.forecastSnapshot();
        assertThat(saved).startsWith("af2;linux=");
        MiniJenkins restarted = new MiniJenkins(clock, config(WarmCapacityBudget.percent(10)), Duration.ofMinutes(8));
        restarted.engine.restoreForecast(saved);
        assertThat(restarted.engine.forecastSnapshot()).isEqualTo(saved);
        assertThatThrownBy(() -> restarted.engine.restoreForecast("af2;linux=1|2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete the history");
        assertThat(restarted.engine.forecastSnapshot()).as("a refused history leaves the forecast as it was")
                .isEqualTo(saved);

        // The cost ledger too: a percentage budget does not start from nothing after a restart.
        for (int s = 0; s < 360; s++) {
            j.arrive(s % 30 == 0 ? 1 : 0);
            j.step();
            clock.advance(Duration.ofSeconds(10));
        }
        String ledger = j.engine.warmLedgerSnapshot();
        SpotMetrics.Warm before = j.engine.metrics().warm();
        assertThat(before.baseUsdPerDay()).isGreaterThan(0);
        restarted.engine.restoreWarmLedger(ledger);
        SpotMetrics.Warm after = restarted.engine.metrics().warm();
        assertThat(after.baseUsdPerDay()).isCloseTo(before.baseUsdPerDay(), within(1e-6));
        assertThat(after.warmUsdLast24h()).isCloseTo(before.warmUsdLast24h(), within(1e-6));
        assertThatThrownBy(() -> restarted.engine.restoreWarmLedger("wl1;x")).hasMessageContaining("delete it");
    }

    private static List<Instant> poisson(Random r, Instant from, Instant to, double perHour) {
        List<Instant> out = new ArrayList<>();
        double t = 0;
        long span = Duration.between(from, to).toSeconds();
        while (true) {
            t += -Math.log(1 - r.nextDouble()) * 3600.0 / perHour;
            if (t >= span) {
                return out;
            }
            out.add(from.plusSeconds((long) t));
        }
    }

    @SuppressWarnings("unused")
    private static Set<String> ids(Collection<Agent> agents) {
        return Set.copyOf(agents.stream().map(Agent::instanceId).toList());
    }
}
