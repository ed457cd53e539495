package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the last import of an image repository sent to Security Hub, by finding ID: enough to archive a finding the
 * next report no longer has, and to keep when it was first seen, without reading it back from Security Hub.
 *
 * @param findings by finding ID
 */
public record ImportState(String repository, String productArn, String importedAt, Map<String, Entry> findings) {

    /**
     * One finding as it was sent: what an archived copy shows.
     *
     * @param type the first of its ASFF Types
     * @param severity Trivy's severity (the ASFF label is derived from it)
     */
    public record Entry(String generatorId, String type, String severity, String title, String firstObservedAt,
                        String createdAt) {}

    /** The key states are stored under: product and repository. */
    public String key() {
        return key(productArn, repository);
    }

    public static String key(String productArn, String repository) {
        return productArn + " " + repository;
    }

    /** Writes the state as one JSON object, finding by finding. */
    public void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("version", 1);
        g.writeStringField("repository", repository);
        g.writeStringField("productArn", productArn);
        g.writeStringField("importedAt", importedAt);
        g.writeArrayFieldStart("findings");
        for (Map.Entry<String, Entry> e : findings.entrySet()) {
            Entry f = e.getValue();
            g.writeStartObject();
            g.writeStringField("Id", e.getKey());
            g.writeStringField("GeneratorId", f.generatorId());
            g.writeStringField("Type", f.type());
            g.writeStringField("Severity", f.severity());
            g.writeStringField("Title", f.title());
            g.writeStringField("FirstObservedAt", f.firstObservedAt());
            g.writeStringField("CreatedAt", f.createdAt());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Reads one state written by {@link #write}, the parser standing on its START_OBJECT. */
    public static ImportState read(JsonParser p) throws IOException {
        String repository = "";
        String productArn = "";
        String importedAt = "";
        Map<String, Entry> findings = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "repository" -> repository = p.getText();
                case "productArn" -> productArn = p.getText();
                case "importedAt" -> importedAt = p.getText();
                case "findings" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw new IOException("findings is not an array");
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode f = AsffJson.JSON.readTree(p);
                        findings.put(f.path("Id").asText(), new Entry(f.path("GeneratorId").asText(),
                                f.path("Type").asText(), f.path("Severity").asText(), f.path("Title").asText(),
                                f.path("FirstObservedAt").asText(), f.path("CreatedAt").asText()));
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new ImportState(repository, productArn, importedAt, findings);
    }
}
