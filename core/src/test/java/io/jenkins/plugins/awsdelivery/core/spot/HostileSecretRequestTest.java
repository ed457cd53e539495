package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an anonymous client can send to the agent-secret endpoint: never an error page, never a lock-out. */
class HostileSecretRequestTest {

    @Test
    void deeplyNestedIndefiniteLengthsAreARefusalNotAStackOverflow() {
        byte[] nested = new byte[20_000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80;
        }

        assertThat(IdentitySignature.verifiedContent(Base64.getEncoder().encodeToString(nested), null, List.of()))
                .isEmpty();
    }

    @Test
    void aLengthThatOverflowsIsARefusal() {
        byte[] der = {0x30, (byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x02, 0x01, 0x00};

        assertThat(IdentitySignature.verifiedContent(Base64.getEncoder().encodeToString(der), null, List.of()))
                .isEmpty();
    }

    @Test
    void aFloodOfMadeUpSourcesNeverLocksARealInstanceOut() {
        SourceRateLimit limit = new SourceRateLimit(1, Duration.ofSeconds(10));
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        for (int i = 0; i < 10_000; i++) {
            assertThat(limit.allow("10.9." + (i / 250) + "." + (i % 250), now)).isTrue();
        }

        assertThat(limit.allow("10.0.1.17", now)).as("a new source after the flood").isTrue();
        assertThat(limit.allow("10.0.1.17", now)).as("its own limit still holds").isFalse();
    }
}
