package io.jenkins.plugins.awsdelivery.steps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;

/**
 * List parameters: Pipeline passes real lists ({@code services: ['ECS', 'EC2']}); configuration forms show them as
 * one text field of comma- or space-separated values.
 */
public final class ListParameters {

    private ListParameters() {}

    public static List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public static String join(List<String> values) {
        return values == null ? "" : String.join(", ", values);
    }

    /**
     * The values to keep in a persisted field: a plain {@link ArrayList}, never {@code List.of}/{@code toList()},
     * whose JDK-internal classes XStream writes into {@code config.xml} as {@code java.util.ImmutableCollections}
     * (readable only with {@code --add-opens java.base/java.util}). Blank entries are dropped; {@code null} (a
     * field missing from an old file) becomes an empty list.
     */
    public static ArrayList<String> copy(List<String> values) {
        ArrayList<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    out.add(v.trim());
                }
            }
        }
        return out;
    }

    /** A read-only view of a persisted list, for getters. */
    public static List<String> view(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Turns the named form fields from text into JSON arrays, so that they bind to {@code List<String>} setters. */
    public static JSONObject splitFormFields(JSONObject formData, String... fields) {
        for (String f : fields) {
            Object v = formData.opt(f);
            if (v instanceof String s) {
                formData.put(f, JSONArray.fromObject(split(s)));
            }
        }
        return formData;
    }
}
