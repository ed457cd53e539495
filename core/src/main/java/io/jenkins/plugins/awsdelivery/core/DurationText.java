package io.jenkins.plugins.awsdelivery.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in step parameters: {@code 90s}, {@code 20m}, {@code 2h}, {@code 1h30m},
 * {@code 1d}, or ISO-8601 ({@code PT20M}).
 */
public final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(d|h|m|s|ms)");
    private static final Pattern WHOLE = Pattern.compile("(\\s*\\d+\\s*(d|h|m|s|ms))+\\s*");

    private DurationText() {}

    /**
     * @param parameter the parameter's name, for the error message
     * @throws StageException when the text is not a duration
     */
    public static Duration parse(String parameter, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(parameter, text);
            }
        }
        if (!WHOLE.matcher(t).matches()) {
            throw invalid(parameter, text);
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return d;
    }

    /** {@code 1h30m}, {@code 45s}: the short form {@link #parse} reads. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long s = d.getSeconds();
        if (s >= 86400) {
            sb.append(s / 86400).append('d');
            s %= 86400;
        }
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || sb.length() == 0) {
            sb.append(s).append('s');
        }
        return sb.toString();
    }

    private static StageException invalid(String parameter, String text) {
        return StageException.invalidInput("'" + text + "' is not a duration for " + parameter + ".",
                "Write it like 90s, 20m, 2h or 1h30m.");
    }
}
