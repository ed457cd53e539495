package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Trivy JSON report with Jackson's streaming parser, one finding at a time, so memory does not grow with the
 * report. {@link #read} is a first pass that checks the whole file (a truncated or foreign file is refused before
 * anything is sent) and counts; {@link #forEachFinding} is the second pass that hands each finding over.
 *
 * <p>Every report Trivy writes is accepted: results without a {@code Target}, misconfigurations that passed, missing
 * or unusual severities and fields this reader does not know. Only what is not a Trivy JSON report at all is
 * refused, by name when it is a CycloneDX or SPDX SBOM or a Kubernetes report.
 */
public final class TrivyReportReader {

    public static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN");

    /** Receives the findings of the second pass, in report order. */
    @FunctionalInterface
    public interface FindingSink {
        void accept(TrivyReport.Result result, TrivyReport.Finding finding);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build()).build();

    private final Path file;
    private final String fileName;
    // First pass: filled; second pass: read.
    private final List<TrivyReport.Result> results = new ArrayList<>();
    private final FindingSink sink;
    private final Map<String, Long> severities = new LinkedHashMap<>();
    private final Map<String, TrivyReport.SeverityNote> notes = new LinkedHashMap<>();
    private long vulnerabilities;
    private long misconfigurations;
    private long secrets;
    private long passed;
    private long licenses;
    private long unidentified;
    private boolean artifactOnly;

    private TrivyReportReader(Path file, FindingSink sink) {
        this.file = file;
        this.fileName = file.toString();
        this.sink = sink;
        SEVERITIES.forEach(s -> severities.put(s, 0L));
    }

    /** Checks the whole report and counts its findings; nothing of the findings is kept. */
    public static TrivyReport read(Path file) {
        return new TrivyReportReader(file, null).firstPass();
    }

    /**
     * What was scanned, without reading the findings: the top of the report up to its Results (where Trivy writes
     * them). The census is empty and nothing is validated beyond the top level.
     */
    public static TrivyReport readArtifact(Path file) {
        TrivyReportReader reader = new TrivyReportReader(file, null);
        reader.artifactOnly = true;
        return reader.firstPass();
    }

    /** Hands every finding of a report that {@link #read} accepted to {@code sink}, one at a time. */
    public static void forEachFinding(TrivyReport report, Path file, FindingSink sink) {
        TrivyReportReader reader = new TrivyReportReader(file, sink);
        reader.results.addAll(report.results());
        reader.secondPass();
    }

    private record Header(Integer schemaVersion, String schemaVersionText, JsonLocation schemaVersionAt,
                          String artifactName, String artifactType, String createdAt, JsonNode metadata,
                          String trivyVersion, String foreign) {}

    private TrivyReport firstPass() {
        Header h = walk(true);
        JsonNode metadata = h.metadata() == null ? JSON.createObjectNode() : h.metadata();
        return new TrivyReport(fileName, h.artifactName(), h.artifactType(), h.createdAt(),
                strings(metadata.path("RepoTags")), strings(metadata.path("RepoDigests")), h.trivyVersion(),
                text(metadata.path("OS"), "Family"), List.copyOf(results),
                new TrivyReport.Census(vulnerabilities, misconfigurations, secrets, passed, licenses, unidentified,
                        Map.copyOf(severities), Map.copyOf(notes)));
    }

    private void secondPass() {
        walk(false);
    }

    private InputStream open() {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw StageException.invalidInput("Trivy report " + fileName + " does not exist.",
                    "Check reportFile, or run trivy with --format json --output " + file.getFileName() + " first.");
        } catch (AccessDeniedException e) {
            throw StageException.invalidInput("Trivy report " + fileName + " cannot be read: permission denied.",
                    "Check the file's permissions.");
        } catch (IOException e) {
            throw StageException.invalidInput("Trivy report " + fileName + " cannot be read: " + e.getMessage() + ".",
                    "Check the file's permissions.");
        }
    }

    private Header walk(boolean first) {
        try (InputStream in = open(); JsonParser p = FACTORY.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw invalid("line 1, column 1", "$", "a Trivy JSON report", "an empty file");
            }
            if (t != JsonToken.START_OBJECT) {
                throw invalid(at(p), "$", "a JSON object", describe(t));
            }
            Integer version = null;
            String versionText = null;
            JsonLocation versionAt = null;
            String artifactName = "";
            String artifactType = "";
            String createdAt = "";
            JsonNode metadata = null;
            String trivyVersion = "";
            String foreign = null;
            fields:
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "SchemaVersion" -> {
                        versionAt = p.currentTokenLocation();
                        version = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                        versionText = v.isScalarValue() ? p.getText() : describe(v);
                        p.skipChildren();
                    }
                    case "ArtifactName" -> artifactName = scalar(p, v);
                    case "ArtifactType" -> artifactType = scalar(p, v);
                    case "CreatedAt" -> createdAt = scalar(p, v);
                    case "Metadata" -> metadata = v == JsonToken.START_OBJECT ? JSON.readTree(p) : skip(p);
                    case "Trivy" -> trivyVersion = v == JsonToken.START_OBJECT ? text(JSON.readTree(p), "Version")
                            : scalarOrSkip(p, v);
                    case "Results" -> {
                        if (artifactOnly) {
                            p.skipChildren();
                            if (!artifactName.isEmpty() && metadata != null) {
                                break fields;
                            }
                        } else {
                            results(p, v, first);
                        }
                    }
                    case "bomFormat" -> {
                        foreign = "CycloneDX".equalsIgnoreCase(scalar(p, v)) ? "a CycloneDX SBOM" : foreign;
                    }
                    case "spdxVersion", "SPDXID" -> {
                        foreign = "an SPDX SBOM";
                        p.skipChildren();
                    }
                    case "ClusterName" -> {
                        foreign = foreign == null ? "a Trivy Kubernetes report (trivy k8s)" : foreign;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (foreign != null) {
                throw StageException.invalidInput("Trivy report " + fileName + " is " + foreign
                        + ", not a Trivy JSON report of one artifact. Nothing was imported.",
                        foreign.contains("Kubernetes")
                                ? "Scan each image with trivy image --format json and import each report."
                                : "Produce the report with trivy --format json (not --format cyclonedx or spdx-json).");
            }
            if (versionText == null) {
                throw StageException.invalidInput("Trivy report " + fileName + " has no SchemaVersion: it is not a "
                                + "Trivy JSON report. Nothing was imported.",
                        "Produce the report with trivy image --format json (Trivy 0.20 or later writes "
                                + "SchemaVersion 2).");
            }
            if (version == null || version != 2) {
                throw invalid(position(versionAt), "$.SchemaVersion", "SchemaVersion 2 (trivy --format json, "
                        + "Trivy 0.20 or later)", versionText);
            }
            return new Header(version, versionText, versionAt, artifactName, artifactType, createdAt, metadata,
                    trivyVersion, null);
        } catch (JsonParseException e) {
            JsonLocation l = e.getLocation();
            throw StageException.invalidInput("Trivy report " + fileName + " is not valid JSON at "
                            + position(l) + ": " + e.getOriginalMessage() + ". Nothing was imported.",
                    "Produce the report with trivy --format json, and check it was written completely.");
        } catch (IOException e) {
            throw StageException.invalidInput("Trivy report " + fileName + " cannot be read: " + e.getMessage() + ".",
                    "Check the file and its permissions.");
        }
    }

    private void results(JsonParser p, JsonToken t, boolean first) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw invalid(at(p), "$.Results", "an array", describe(t));
        }
        int index = 0;
        JsonToken r;
        while ((r = p.nextToken()) != JsonToken.END_ARRAY) {
            String path = "$.Results[" + index + "]";
            if (r != JsonToken.START_OBJECT) {
                throw invalid(at(p), path, "an object", describe(r));
            }
            result(p, path, index, first);
            index++;
        }
    }

    /** One Result: its Target, Class and Type are read in the first pass, wherever they stand in the object. */
    private void result(JsonParser p, String path, int index, boolean first) throws IOException {
        String target = "";
        String resultClass = "";
        String type = "";
        TrivyReport.Result known = first ? null : results.get(index);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "Target" -> target = scalarOrSkip(p, v);
                case "Class" -> resultClass = scalarOrSkip(p, v);
                case "Type" -> type = scalarOrSkip(p, v);
                case "Vulnerabilities", "Misconfigurations", "Secrets", "Licenses" ->
                        findings(p, v, path + "." + field, field, known);
                default -> p.skipChildren();
            }
        }
        if (first) {
            results.add(new TrivyReport.Result(target, resultClass, type));
        }
    }

    private void findings(JsonParser p, JsonToken t, String path, String kind, TrivyReport.Result result)
            throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw invalid(at(p), path, "an array", describe(t));
        }
        int i = 0;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = path + "[" + i++ + "]";
            if (e != JsonToken.START_OBJECT) {
                throw invalid(at(p), at, "an object", describe(e));
            }
            JsonLocation where = p.currentTokenLocation();
            JsonNode n = JSON.readTree(p);
            TrivyReport.Finding f = switch (kind) {
                case "Vulnerabilities" -> vulnerability(n, at, where);
                case "Misconfigurations" -> misconfiguration(n, at, where);
                case "Secrets" -> secret(n, at, where);
                default -> {
                    if (result == null) {
                        licenses++;
                    }
                    yield null;
                }
            };
            if (f != null && result != null) {
                sink.accept(result, f);
            }
        }
    }

    private TrivyReport.Finding vulnerability(JsonNode v, String path, JsonLocation where) {
        String id = text(v, "VulnerabilityID");
        if (id.isBlank()) {
            return unidentified();
        }
        String severity = severity(v, path, where);
        if (sink == null) {
            vulnerabilities++;
            return null;
        }
        List<TrivyReport.Cvss> cvss = new ArrayList<>();
        v.path("CVSS").fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            if (c.has("V3Score")) {
                String vector = text(c, "V3Vector");
                String version = vector.startsWith("CVSS:3.0") ? "3.0" : vector.startsWith("CVSS:4") ? "4.0" : "3.1";
                cvss.add(new TrivyReport.Cvss(e.getKey(), version, c.path("V3Score").asDouble(), vector));
            }
            if (c.has("V2Score")) {
                cvss.add(new TrivyReport.Cvss(e.getKey(), "2.0", c.path("V2Score").asDouble(), text(c, "V2Vector")));
            }
        });
        String pkgName = text(v, "PkgName");
        if (pkgName.isBlank()) {
            pkgName = text(v, "PkgID").isBlank() ? "(unnamed package)" : text(v, "PkgID");
        }
        return new TrivyReport.Vulnerability(id, text(v, "PkgID"), pkgName, text(v, "PkgPath"),
                text(v.path("PkgIdentifier"), "PURL"), text(v, "InstalledVersion"), text(v, "FixedVersion"),
                text(v, "Status"), severity, text(v, "Title"), text(v, "Description"), text(v, "PrimaryURL"),
                strings(v.path("References")), List.copyOf(cvss), text(v, "PublishedDate"),
                strings(v.path("VendorIDs")));
    }

    private TrivyReport.Finding misconfiguration(JsonNode m, String path, JsonLocation where) {
        String id = text(m, "ID");
        String avd = text(m, "AVDID");
        if (id.isBlank() && avd.isBlank()) {
            return unidentified();
        }
        String status = text(m, "Status").toUpperCase(Locale.ROOT);
        if (status.equals("PASS") || status.equals("EXCEPTION")) {
            if (sink == null) {
                passed++;
            }
            return null;
        }
        String severity = severity(m, path, where);
        if (sink == null) {
            misconfigurations++;
            return null;
        }
        JsonNode cause = m.path("CauseMetadata");
        return new TrivyReport.Misconfiguration(id.isBlank() ? avd : id, avd, text(m, "Type"), text(m, "Title"),
                text(m, "Description"), text(m, "Message"), text(m, "Resolution"), severity, text(m, "PrimaryURL"),
                strings(m.path("References")), status, text(cause, "Resource"), cause.path("StartLine").asInt(0),
                cause.path("EndLine").asInt(0));
    }

    private TrivyReport.Finding secret(JsonNode s, String path, JsonLocation where) {
        String rule = text(s, "RuleID");
        if (rule.isBlank()) {
            return unidentified();
        }
        String severity = severity(s, path, where);
        if (sink == null) {
            secrets++;
            return null;
        }
        // Match and Code hold the secret itself: they are never read.
        return new TrivyReport.Secret(rule, text(s, "Category"), severity, text(s, "Title"),
                s.path("StartLine").asInt(0), s.path("EndLine").asInt(0));
    }

    private TrivyReport.Finding unidentified() {
        if (sink == null) {
            unidentified++;
        }
        return null;
    }

    /**
     * Trivy's JSON omits an empty severity; hand-edited and older reports use other spellings. The severity is
     * normalised and, in the first pass, counted by what was wrong so that each kind is warned about once.
     */
    private String severity(JsonNode n, String path, JsonLocation where) {
        JsonNode v = n.get("Severity");
        String raw = v == null || v.isNull() ? null : v.asText();
        String normal;
        String note = null;
        if (raw == null) {
            normal = "UNKNOWN";
            note = "missing";
        } else if (raw.isBlank()) {
            normal = "UNKNOWN";
            note = "empty";
        } else if (SEVERITIES.contains(raw)) {
            normal = raw;
        } else {
            String upper = raw.trim().toUpperCase(Locale.ROOT);
            if (SEVERITIES.contains(upper)) {
                normal = upper;
                note = "not upper case";
            } else {
                normal = "UNKNOWN";
                note = "unknown";
            }
        }
        if (sink == null) {
            severities.merge(normal, 1L, Long::sum);
            if (note != null) {
                String example = raw == null ? "" : raw;
                String firstAt = position(where) + " (" + path + ")";
                notes.merge(note, new TrivyReport.SeverityNote(1, example, firstAt),
                        (a, b) -> new TrivyReport.SeverityNote(a.count() + 1, a.example(), a.firstAt()));
            }
        }
        return normal;
    }

    private StageException invalid(String position, String path, String expected, String found) {
        return StageException.invalidInput("Trivy report " + fileName + " is not a valid Trivy report at "
                        + position + " (" + path + "): expected " + expected + ", found " + found
                        + ". Nothing was imported.",
                "Produce the report with trivy image --format json (SchemaVersion 2).");
    }

    private static String at(JsonParser p) {
        return position(p.currentTokenLocation());
    }

    private static String position(JsonLocation l) {
        return l == null || l.getLineNr() < 0 ? "the start of the file"
                : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String scalar(JsonParser p, JsonToken t) throws IOException {
        return scalarOrSkip(p, t);
    }

    private static String scalarOrSkip(JsonParser p, JsonToken t) throws IOException {
        if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    private static JsonNode skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    static String text(JsonNode n, String field) {
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
