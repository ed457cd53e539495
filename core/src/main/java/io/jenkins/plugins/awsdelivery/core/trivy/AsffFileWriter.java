package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/** The ASFF file ({@code {"Findings": [...]}}), written finding by finding as they are mapped. */
final class AsffFileWriter implements AutoCloseable {

    private final Path file;
    private final JsonGenerator json;
    private int count;

    AsffFileWriter(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            json = AsffJson.JSON.getFactory().createGenerator(Files.newBufferedWriter(file));
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeArrayFieldStart("Findings");
        } catch (IOException e) {
            throw failed(e);
        }
    }

    void write(AwsSecurityFinding f) {
        try {
            AsffJson.JSON.writeTree(json, AsffJson.toJson(f));
            count++;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    int count() {
        return count;
    }

    @Override
    public void close() {
        try {
            json.writeEndArray();
            json.writeEndObject();
            json.close();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private StageException failed(IOException e) {
        return StageException.invalidInput("Cannot write the ASFF file " + file + ": " + e.getMessage() + ".",
                "Check asffFile's directory and permissions.");
    }
}
