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

    /**
     * The error of a stage that has no result, as JSON: {@code {"status": "INVALID_INPUT", "exitCode": 2,
     * "error": {"kind": "INVALID_INPUT", "message": "...", "hint": "..."}}}. The status says what the exit code
     * means: INVALID_INPUT (2), ERROR (3) or TIMED_OUT (1).
     */
    public static void printError(PrintWriter out, int exitCode, String kind, String message, String hint) {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("kind", kind);
        error.put("message", message);
        error.put("hint", hint == null ? "" : hint);
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("status", exitCode == Main.USAGE ? "INVALID_INPUT" : exitCode == Main.STAGE_SAID_NO ? "TIMED_OUT"
                : "ERROR");
        map.put("exitCode", exitCode);
        map.put("error", error);
        try {
            out.println(JSON.writeValueAsString(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** The format the arguments ask for ({@code --output json} or {@code --output=json}), before they are parsed. */
    static OutputFormat requested(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--output") && i + 1 < args.length) {
                return "json".equals(args[i + 1]) ? json : text;
            }
            if (a.startsWith("--output=")) {
                return "json".equals(a.substring("--output=".length())) ? json : text;
            }
        }
        return text;
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
