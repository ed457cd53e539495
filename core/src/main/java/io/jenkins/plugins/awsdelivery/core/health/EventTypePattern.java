package io.jenkins.plugins.awsdelivery.core.health;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Event type codes with {@code *} wildcards, such as {@code AWS_EC2_*} or {@code *_OPERATIONAL_ISSUE}. */
final class EventTypePattern {

    private final List<Pattern> patterns;

    EventTypePattern(List<String> codes) {
        this.patterns = codes.stream().map(EventTypePattern::compile).toList();
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }

    boolean matches(String eventTypeCode) {
        String code = eventTypeCode == null ? "" : eventTypeCode.toUpperCase(Locale.ROOT);
        return patterns.stream().anyMatch(p -> p.matcher(code).matches());
    }

    private static Pattern compile(String code) {
        return Pattern.compile(java.util.Arrays.stream(code.toUpperCase(Locale.ROOT).split("\\*", -1))
                .map(Pattern::quote).collect(java.util.stream.Collectors.joining(".*")));
    }
}
