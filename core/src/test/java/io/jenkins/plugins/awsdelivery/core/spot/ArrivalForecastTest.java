package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArrivalForecastTest {

    /** A Monday, 00:00 UTC. */
    static final Instant MONDAY = Instant.parse("2026-11-30T00:00:00Z");
    static final Duration LEAD = Duration.ofSeconds(90);

    /**
     * Weeks of the nightly-spike workload, minute by minute: 10 builds/hour from 08:00 to 18:00 and 150 builds
     * within five minutes of 02:00 every day, nothing else. {@code spike} false leaves the spike out.
     */
    static void replay(ArrivalForecast f, String label, Instant from, int weeks, boolean spike, long seed) {
        Random r = new Random(seed);
        for (int minute = 0; minute < weeks * 7 * 24 * 60; minute++) {
            Instant at = from.plusSeconds(minute * 60L);
            int minuteOfDay = minute % (24 * 60);
            int count = 0;
            if (spike && minuteOfDay >= 120 && minuteOfDay < 125) {
                count = 30;
            } else if (minuteOfDay >= 8 * 60 && minuteOfDay < 18 * 60) {
                count = r.nextDouble() < 10 / 60.0 ? 1 : 0;
            }
            f.observe(label, at, count);
        }
        f.advance(from.plusSeconds(weeks * 7L * 86_400));
    }

    @Test
    void aNightlySpikeIsLearntAndAQuietNightStaysQuiet() {
        ArrivalForecast f = new ArrivalForecast();
        replay(f, "linux", MONDAY, 3, true, 1);
        Instant week4 = MONDAY.plus(Duration.ofDays(21 + 3)); // Thursday of the fourth week
        // 90 s before the spike, a window of 120 s reaches 30 s into 02:00: a tenth of the slot's 150 builds.
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(2 * 3600 - 90), LEAD.plusSeconds(30)))
                .isCloseTo(15, within(0.01));
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(2 * 3600 - 90), LEAD)).isZero();
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(2 * 3600), LEAD)).isCloseTo(45, within(0.01));
        // Past the spike's five minutes, the rest of the hour is quiet: nothing kept warm for it.
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(2 * 3600 + 400), LEAD)).isZero();
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(23 * 3600), LEAD)).isZero();
        assertThat(f.expectedArrivals("linux", week4.plusSeconds(4 * 3600), LEAD)).isZero();
        // Working hours: about ten an hour, a fraction of a build within 90 s.
        double day = f.expectedArrivals("linux", week4.plusSeconds(11 * 3600), LEAD);
        assertThat(day).isGreaterThan(0).isLessThan(1.5);
        assertThat(f.perHour("linux", 3 * 24 + 2)).isCloseTo(150, within(0.01));
        assertThat(f.perSlot("linux", (3 * 24 + 2) * 12)).isCloseTo(150, within(0.01));
        assertThat(f.perSlot("linux", (3 * 24 + 2) * 12 + 1)).isZero();
    }

    @Test
    void recentWeeksWeighMoreSoAStoppedSpikeFades() {
        ArrivalForecast f = new ArrivalForecast();
        replay(f, "linux", MONDAY, 3, true, 1);
        replay(f, "linux", MONDAY.plus(Duration.ofDays(21)), 3, false, 2);
        // Weight 1/2 per week: 150 * 1/8 after three quiet weeks.
        assertThat(f.perHour("linux", 2)).isCloseTo(150 / 8.0, within(0.01));
        ArrivalForecast gone = new ArrivalForecast();
        replay(gone, "linux", MONDAY, 1, true, 1);
        replay(gone, "linux", MONDAY.plus(Duration.ofDays(7)), 8, false, 2);
        assertThat(gone.expectedArrivals("linux", MONDAY.plus(Duration.ofDays(63)).plusSeconds(2 * 3600), LEAD))
                .isLessThan(0.2);
    }

    @Test
    void theCurrentTrendCountsInAnHourNeverSeenBusy() {
        ArrivalForecast f = new ArrivalForecast();
        replay(f, "linux", MONDAY, 1, false, 1);
        Instant night = MONDAY.plus(Duration.ofDays(7)).plusSeconds(23 * 3600);
        assertThat(f.expectedArrivals("linux", night, LEAD)).isZero();
        for (int s = 0; s < 300; s += 30) {
            f.observe("linux", night.plusSeconds(s), 2);
        }
        // 20 builds in the last five minutes: 6 expected within 90 s.
        assertThat(f.expectedArrivals("linux", night.plusSeconds(301), LEAD)).isCloseTo(6, within(0.01));
        // Ten quiet minutes later the trend is gone.
        f.advance(night.plusSeconds(900));
        assertThat(f.expectedArrivals("linux", night.plusSeconds(900), LEAD)).isZero();
    }

    @Test
    void aControllerDownForADayLearnsNothingFromTheGap() {
        ArrivalForecast f = new ArrivalForecast();
        replay(f, "linux", MONDAY, 1, true, 1);
        // Down from Monday 00:00 to Wednesday 00:00 of week 2: the spikes of Monday and Tuesday were not counted.
        f.observe("linux", MONDAY.plus(Duration.ofDays(9)), 0);
        assertThat(f.perHour("linux", 2)).isCloseTo(150, within(0.01));
        assertThat(f.perHour("linux", 24 + 2)).isCloseTo(150, within(0.01));
    }

    @Test
    void historyIsBoundedAndRoundTripsThroughItsSnapshot() {
        ArrivalForecast f = new ArrivalForecast();
        replay(f, "linux && large", MONDAY, 2, true, 1);
        for (int i = 0; i < 100; i++) {
            f.observe("label-" + i + ";=|,/", MONDAY.plus(Duration.ofDays(14)).plusSeconds(i), 1);
        }
        assertThat(f.labels()).hasSize(ArrivalForecast.MAX_LABELS).contains("label-99;=|,/")
                .doesNotContain("linux && large", "label-0;=|,/");
        f.observe("linux && large", MONDAY.plus(Duration.ofDays(14)).plusSeconds(200), 3);
        String snapshot = f.snapshot();
        // 168 hours and 2016 slots per label: a few kilobytes per label at most, mostly empty slots.
        assertThat(snapshot.length()).isLessThan(ArrivalForecast.MAX_LABELS * 4000);
        assertThat(new ArrivalForecast().snapshot()).isEqualTo("af2");

        ArrivalForecast back = ArrivalForecast.restore(snapshot);
        assertThat(back.snapshot()).isEqualTo(snapshot);
        assertThat(back.labels()).isEqualTo(f.labels());
        Instant next = MONDAY.plus(Duration.ofDays(15)).plusSeconds(2 * 3600 - 60);
        assertThat(back.expectedArrivals("linux && large", next, LEAD))
                .isCloseTo(f.expectedArrivals("linux && large", next, LEAD), within(0.01));
        // Dropped and seen again, a label starts from nothing.
        assertThat(back.perHour("linux && large", 2)).isZero();

        // A restored history keeps learning where it left off.
        ArrivalForecast learnt = new ArrivalForecast();
        replay(learnt, "linux", MONDAY, 2, true, 1);
        ArrivalForecast restored = ArrivalForecast.restore(learnt.snapshot());
        replay(restored, "linux", MONDAY.plus(Duration.ofDays(14)), 1, false, 3);
        assertThat(restored.perHour("linux", 2)).isCloseTo(75, within(0.01));
        assertThat(ArrivalForecast.restore("").labels()).isEmpty();
    }

    @Test
    void aDamagedSnapshotIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> ArrivalForecast.restore("v0;linux=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete it");
        assertThatThrownBy(() -> ArrivalForecast.restore("af2;linux=1,2,3|4|5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 is malformed");
        assertThatThrownBy(() -> new ArrivalForecast().observe("linux", MONDAY, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
    }
}
