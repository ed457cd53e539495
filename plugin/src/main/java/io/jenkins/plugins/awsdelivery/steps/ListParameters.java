package io.jenkins.plugins.awsdelivery.steps;

import java.util.Arrays;
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

    public static List<String> copy(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank())
                .map(String::trim).toList();
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
