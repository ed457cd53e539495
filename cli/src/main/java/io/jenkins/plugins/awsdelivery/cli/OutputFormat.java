package io.jenkins.plugins.awsdelivery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code --output}: the result as JSON (the same map Pipeline gets) or as readable text. */
public enum OutputFormat {
    json, text;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void print(StageResult result, PrintWriter out) {
        Map<String, Object> map = result.toMap();
        if (this == json) {
            try {
                out.println(JSON.writeValueAsString(map));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printText(map, "", out);
        }
        out.flush();
    }

    private static void printText(Map<String, Object> map, String indent, PrintWriter out) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                out.println(indent + k + ":");
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) m;
                printText(nested, indent + "  ", out);
            } else if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
                out.println(indent + k + ":");
                for (Object item : l) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> nested = (Map<String, Object>) item;
                    out.println(indent + "  -");
                    printText(nested, indent + "    ", out);
                }
            } else {
                out.println(indent + k + ": " + v);
            }
        });
    }
}
