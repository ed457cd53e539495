package io.jenkins.plugins.awsdelivery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlainValuesTest {

    enum Verdict { PASSED }

    @Test
    void resultValuesBecomePipelineFriendlyTypes() {
        Map<String, Object> map = PlainValues.map()
                .put("status", Verdict.PASSED)
                .put("at", Instant.parse("2026-11-24T10:00:00Z"))
                .put("took", Duration.ofSeconds(3))
                .put("counts", Map.of("CRITICAL", 2))
                .put("ids", List.of(Optional.of("a")))
                .put("missing", null)
                .build();

        assertThat(map).containsExactly(Map.entry("status", "PASSED"), Map.entry("at", "2026-11-24T10:00:00Z"),
                Map.entry("took", 3000L), Map.entry("counts", Map.of("CRITICAL", 2)), Map.entry("ids", List.of("a")));
    }
}
