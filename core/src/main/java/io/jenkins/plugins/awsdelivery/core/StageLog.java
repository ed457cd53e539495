package io.jenkins.plugins.awsdelivery.core;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Console output of a stage. Every line goes through here so that secret values never reach a log:
 * any registered secret is replaced by {@code ****} wherever it appears.
 */
public final class StageLog {

    private static final String MASK = "****";
    private static final int MIN_SECRET_LENGTH = 4;

    private final Consumer<String> sink;
    private final Set<String> secrets = new CopyOnWriteArraySet<>();

    private StageLog(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    public static StageLog to(Consumer<String> sink) {
        return new StageLog(sink);
    }

    public static StageLog to(PrintStream out) {
        return new StageLog(out::println);
    }

    /** A log that drops everything; for callers that only want the result. */
    public static StageLog silent() {
        return new StageLog(line -> { });
    }

    /**
     * Registers values that must never be printed. Values shorter than four characters are ignored:
     * masking them would mangle ordinary words.
     */
    public StageLog mask(Collection<String> values) {
        for (String v : values) {
            if (v != null && v.length() >= MIN_SECRET_LENGTH) {
                secrets.add(v);
            }
        }
        return this;
    }

    public StageLog mask(String... values) {
        return mask(List.of(values).stream().filter(Objects::nonNull).toList());
    }

    public void info(String line) {
        sink.accept(masked(line));
    }

    public void info(String format, Object... args) {
        info(String.format(format, args));
    }

    public void warn(String line) {
        sink.accept(masked("WARNING: " + line));
    }

    public void warn(String format, Object... args) {
        warn(String.format(format, args));
    }

    /** Applies the mask to any text, for messages that leave through another channel (results, exceptions). */
    public String masked(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        // Longest first, so that a secret containing another is masked whole.
        for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(s, MASK);
        }
        return out;
    }
}
