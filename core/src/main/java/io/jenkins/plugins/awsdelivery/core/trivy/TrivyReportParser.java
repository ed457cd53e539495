package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates a whole Trivy JSON report before anything is sent. A malformed, truncated or unknown-schema
 * report fails with the file name, the line and column, the JSON path and what was expected.
 */
public final class TrivyReportParser {

    public static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fileName;
    private final Map<String, JsonLocation> locations = new HashMap<>();

    private TrivyReportParser(String fileName) {
        this.fileName = fileName;
    }

    public static TrivyReport parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw StageException.invalidInput("Trivy report " + file + " does not exist.",
                    "Check reportFile, or run trivy with --format json --output " + file.getFileName() + " first.");
        } catch (IOException e) {
            throw StageException.invalidInput("Trivy report " + file + " cannot be read: " + e.getMessage(),
                    "Check the file's permissions.");
        }
        return parse(file.toString(), bytes);
    }

    public static TrivyReport parse(String fileName, byte[] bytes) {
        return new TrivyReportParser(fileName).read(bytes);
    }

    private TrivyReport read(byte[] bytes) {
        if (bytes.length == 0) {
            throw invalid("line 1, column 1", "$", "a Trivy JSON report", "an empty file");
        }
        JsonNode root;
        try {
            indexLocations(bytes);
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw StageException.invalidInput("Trivy report " + fileName + " is not valid JSON at "
                            + (l == null ? "an unknown position" : "line " + l.getLineNr() + ", column "
                            + l.getColumnNr()) + ": " + e.getOriginalMessage() + ". Nothing was imported.",
                    "Produce the report with trivy --format json, and check it was written completely.");
        } catch (IOException e) {
            throw StageException.invalidInput("Trivy report " + fileName + " cannot be read: " + e.getMessage(), "");
        }
        if (!root.isObject()) {
            throw invalid(at("$"), "$", "a JSON object", root.getNodeType().name().toLowerCase());
        }
        JsonNode version = root.get("SchemaVersion");
        if (version == null || !version.isInt() || version.asInt() != 2) {
            throw invalid(at("$.SchemaVersion"), "$.SchemaVersion", "SchemaVersion 2 (trivy --format json, "
                    + "Trivy 0.20 or later)", version == null ? "no SchemaVersion" : version.toString());
        }
        JsonNode results = root.path("Results");
        if (!results.isMissingNode() && !results.isNull() && !results.isArray()) {
            throw invalid(at("$.Results"), "$.Results", "an array", results.getNodeType().name().toLowerCase());
        }
        List<TrivyReport.Result> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            out.add(result(results.get(i), "$.Results[" + i + "]"));
        }
        JsonNode metadata = root.path("Metadata");
        return new TrivyReport(fileName, text(root, "ArtifactName"), text(root, "ArtifactType"),
                text(root, "CreatedAt"), strings(metadata.path("RepoTags")), strings(metadata.path("RepoDigests")),
                text(root.path("Trivy"), "Version"), List.copyOf(out));
    }

    private TrivyReport.Result result(JsonNode r, String path) {
        requireObject(r, path);
        String target = required(r, path, "Target");
        List<TrivyReport.Vulnerability> vulns = new ArrayList<>();
        JsonNode vs = array(r, path, "Vulnerabilities");
        for (int i = 0; i < vs.size(); i++) {
            vulns.add(vulnerability(vs.get(i), path + ".Vulnerabilities[" + i + "]"));
        }
        List<TrivyReport.Misconfiguration> misconfigs = new ArrayList<>();
        JsonNode ms = array(r, path, "Misconfigurations");
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String p = path + ".Misconfigurations[" + i + "]";
            requireObject(m, p);
            misconfigs.add(new TrivyReport.Misconfiguration(required(m, p, "ID"), text(m, "AVDID"), text(m, "Type"),
                    text(m, "Title"), text(m, "Description"), text(m, "Message"), text(m, "Resolution"),
                    severity(m, p), text(m, "PrimaryURL"), strings(m.path("References")), text(m, "Status"),
                    m.path("CauseMetadata").path("StartLine").asInt(0),
                    m.path("CauseMetadata").path("EndLine").asInt(0)));
        }
        List<TrivyReport.Secret> secrets = new ArrayList<>();
        JsonNode ss = array(r, path, "Secrets");
        for (int i = 0; i < ss.size(); i++) {
            JsonNode s = ss.get(i);
            String p = path + ".Secrets[" + i + "]";
            requireObject(s, p);
            // Match and Code hold the secret itself: they are never read.
            secrets.add(new TrivyReport.Secret(required(s, p, "RuleID"), text(s, "Category"), severity(s, p),
                    text(s, "Title"), s.path("StartLine").asInt(0), s.path("EndLine").asInt(0)));
        }
        return new TrivyReport.Result(target, text(r, "Class"), text(r, "Type"), List.copyOf(vulns),
                List.copyOf(misconfigs), List.copyOf(secrets));
    }

    private TrivyReport.Vulnerability vulnerability(JsonNode v, String path) {
        requireObject(v, path);
        List<TrivyReport.Cvss> cvss = new ArrayList<>();
        v.path("CVSS").fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            if (c.has("V3Score")) {
                String vector = text(c, "V3Vector");
                String version = vector.startsWith("CVSS:3.0") ? "3.0" : "3.1";
                cvss.add(new TrivyReport.Cvss(e.getKey(), version, c.path("V3Score").asDouble(), vector));
            }
            if (c.has("V2Score")) {
                cvss.add(new TrivyReport.Cvss(e.getKey(), "2.0", c.path("V2Score").asDouble(), text(c, "V2Vector")));
            }
        });
        return new TrivyReport.Vulnerability(required(v, path, "VulnerabilityID"), text(v, "PkgID"),
                required(v, path, "PkgName"), text(v, "InstalledVersion"), text(v, "FixedVersion"),
                text(v, "Status"), severity(v, path), text(v, "Title"), text(v, "Description"),
                text(v, "PrimaryURL"), strings(v.path("References")), List.copyOf(cvss), text(v, "PublishedDate"));
    }

    private String severity(JsonNode n, String path) {
        String s = required(n, path, "Severity");
        if (!SEVERITIES.contains(s)) {
            throw invalid(at(path + ".Severity"), path + ".Severity", "one of " + SEVERITIES, "\"" + s + "\"");
        }
        return s;
    }

    private String required(JsonNode n, String path, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw invalid(at(path), path + "." + field, "a non-empty string " + field,
                    v == null ? "no " + field : v.toString());
        }
        return v.asText();
    }

    private JsonNode array(JsonNode n, String path, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return JSON.createArrayNode();
        }
        if (!v.isArray()) {
            throw invalid(at(path + "." + field), path + "." + field, "an array",
                    v.getNodeType().name().toLowerCase());
        }
        return v;
    }

    private void requireObject(JsonNode n, String path) {
        if (!n.isObject()) {
            throw invalid(at(path), path, "an object", n.getNodeType().name().toLowerCase());
        }
    }

    private StageException invalid(String position, String path, String expected, String found) {
        return StageException.invalidInput("Trivy report " + fileName + " is not a valid Trivy report at "
                        + position + " (" + path + "): expected " + expected + ", found " + found
                        + ". Nothing was imported.",
                "Produce the report with trivy image --format json (SchemaVersion 2).");
    }

    private String at(String path) {
        JsonLocation l = locations.get(path);
        if (l == null) {
            return "an unknown position";
        }
        return "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /** One streaming pass that records where every value of the report starts, by JSON path. */
    private void indexLocations(byte[] bytes) throws IOException {
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indexes = new ArrayDeque<>();
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    paths.pop();
                    indexes.pop();
                    continue;
                }
                String parent = paths.isEmpty() ? null : paths.peek();
                String path;
                if (parent == null) {
                    path = "$";
                } else if (field != null) {
                    path = parent + "." + field;
                } else {
                    path = parent + "[" + indexes.peek()[0]++ + "]";
                }
                field = null;
                locations.put(path, p.currentTokenLocation());
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    paths.push(path);
                    indexes.push(new int[] {0});
                }
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> {
            if (v.isTextual()) {
                out.add(v.asText());
            }
        });
        return List.copyOf(out);
    }
}
