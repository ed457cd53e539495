package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Import states in one file (gzip-compressed when its name ends in {@code .gz}), one per product and repository,
 * for the command line's {@code --state-file}. A missing file is no earlier state; it is written atomically.
 */
public final class ImportStateFile implements ImportStateStore {

    private final Path file;

    public ImportStateFile(Path file) {
        this.file = file;
    }

    @Override
    public Optional<Earlier> load(String productArn, String repository) {
        String key = ImportState.key(productArn, repository);
        return readAll().stream().filter(s -> s.key().equals(key)).findFirst()
                .map(s -> new Earlier(s, "state file " + file));
    }

    @Override
    public void save(ImportState state) {
        Map<String, ImportState> all = new LinkedHashMap<>();
        readAll().forEach(s -> all.put(s.key(), s));
        all.put(state.key(), state);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream out = compressed(Files.newOutputStream(tmp));
                 JsonGenerator g = AsffJson.JSON.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("version", 1);
                g.writeArrayFieldStart("states");
                for (ImportState s : all.values()) {
                    s.write(g);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw StageException.invalidInput("The state file " + file + " cannot be written: " + e.getMessage()
                    + ". The findings were imported; the next import reads them back from Security Hub.",
                    "Check --state-file's directory and permissions.");
        }
    }

    private List<ImportState> readAll() {
        List<ImportState> out = new ArrayList<>();
        try (InputStream in = decompressed(Files.newInputStream(file));
             JsonParser p = AsffJson.JSON.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("it is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("states") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        out.add(ImportState.read(p));
                    }
                } else {
                    p.skipChildren();
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw StageException.invalidInput("The state file " + file + " cannot be read: " + e.getMessage() + ".",
                    "Delete it (the next import reads the earlier findings back from Security Hub) or give "
                            + "another --state-file.");
        }
    }

    private OutputStream compressed(OutputStream out) throws IOException {
        return file.toString().endsWith(".gz") ? new GZIPOutputStream(out, 64 * 1024) : out;
    }

    private InputStream decompressed(InputStream in) throws IOException {
        return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 64 * 1024) : in;
    }
}
