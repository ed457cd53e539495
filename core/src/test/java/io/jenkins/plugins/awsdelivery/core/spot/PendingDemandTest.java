package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Planned nodes are recorded at once and filled later by the cloud's own thread. */
class PendingDemandTest {

    private final PendingDemand<String> pending = new PendingDemand<>(Duration.ofMinutes(2));
    private final AtomicInteger n = new AtomicInteger();
    private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

    private String next() {
        return "planned-" + n.incrementAndGet();
    }

    @Test
    void oneAgentPerExecutorsWorthOfWorkWithinTheCloudsRoom() {
        assertThat(pending.record(5, 2, 10, t0, this::next)).containsExactly("planned-1", "planned-2", "planned-3");
        // Pending agents count against the room: 10 - 3 leaves 7, but only 1 more is allowed here.
        assertThat(pending.record(4, 2, 4, t0, this::next)).containsExactly("planned-4");
        assertThat(pending.record(0, 2, 10, t0, this::next)).isEmpty();
    }

    @Test
    void launchedAgentsFillTheOldestAndUnfilledOnesExpire() {
        pending.record(2, 1, 10, t0, this::next);

        assertThat(pending.fill()).contains("planned-1");
        assertThat(pending.expire(t0.plusSeconds(60))).isEmpty();
        assertThat(pending.expire(t0.plusSeconds(121))).containsExactly("planned-2");
        assertThat(pending.fill()).isEmpty();
        assertThat(pending.size()).isZero();
    }
}
