package io.jenkins.plugins.awsdelivery.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts result fields to the plain values Pipeline can keep: String, Number, Boolean, List and Map.
 * Instants become ISO-8601 strings, durations milliseconds, enums their names, nested results their maps.
 */
public final class PlainValues {

    private PlainValues() {}

    /** A map builder that keeps insertion order and converts every value with {@link #of(Object)}. */
    public static MapBuilder map() {
        return new MapBuilder();
    }

    public static Object of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Number n) {
            return n instanceof Float ? Double.valueOf(n.doubleValue()) : Long.valueOf(n.longValue());
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Instant i) {
            return i.toString();
        }
        if (value instanceof Duration d) {
            return d.toMillis();
        }
        if (value instanceof Optional<?> o) {
            return o.map(PlainValues::of).orElse(null);
        }
        if (value instanceof StageResult r) {
            return r.toMap();
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(v -> out.add(of(v)));
            return Collections.unmodifiableList(out);
        }
        return value.toString();
    }

    /** Ordered, unmodifiable map of plain values; null values are left out. */
    public static final class MapBuilder {
        private final Map<String, Object> map = new LinkedHashMap<>();

        public MapBuilder put(String key, Object value) {
            Object plain = of(value);
            if (plain != null) {
                map.put(key, plain);
            }
            return this;
        }

        public Map<String, Object> build() {
            return Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }
    }
}
