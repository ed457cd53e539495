package io.jenkins.plugins.awsdelivery.trivy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import io.jenkins.plugins.awsdelivery.core.trivy.ImportState;
import io.jenkins.plugins.awsdelivery.core.trivy.ImportStateStore;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Import state kept with the build: a gzip file in the build's directory and a {@link TrivyImportStateAction} that
 * names it. Found again in this build (an earlier step) or through the job's previous builds, newest first, up to
 * {@link #BUILDS_SEARCHED} back.
 */
final class BuildImportStateStore implements ImportStateStore {

    static final String DIRECTORY = "trivy-securityhub";
    static final int BUILDS_SEARCHED = 50;
    private static final Logger LOGGER = Logger.getLogger(BuildImportStateStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Run<?, ?> run;

    BuildImportStateStore(Run<?, ?> run) {
        this.run = run;
    }

    @Override
    public Optional<Earlier> load(String productArn, String repository) {
        // This build first: an earlier step of it may have imported the same repository.
        Run<?, ?> r = run;
        for (int i = 0; r != null && i <= BUILDS_SEARCHED; i++, r = r.getPreviousBuild()) {
            for (TrivyImportStateAction a : r.getActions(TrivyImportStateAction.class)) {
                if (!a.isFor(productArn, repository)) {
                    continue;
                }
                File file = new File(new File(r.getRootDir(), DIRECTORY), a.getFileName());
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file.toPath()));
                     JsonParser p = JSON.getFactory().createParser(in)) {
                    if (p.nextToken() == JsonToken.START_OBJECT) {
                        return Optional.of(new Earlier(ImportState.read(p), r.getFullDisplayName()));
                    }
                } catch (IOException e) {
                    LOGGER.log(Level.WARNING, "Cannot read the Trivy import state of " + r + "; reading Security Hub "
                            + "back instead", e);
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public void save(ImportState state) {
        String name = fileName(state.key());
        File dir = new File(run.getRootDir(), DIRECTORY);
        try {
            Files.createDirectories(dir.toPath());
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(new File(dir, name).toPath()));
                 JsonGenerator g = JSON.getFactory().createGenerator(out)) {
                state.write(g);
            }
            synchronized (run) {
                run.getActions(TrivyImportStateAction.class).stream().filter(a -> a.getFileName().equals(name))
                        .toList().forEach(run::removeAction);
                run.addAction(new TrivyImportStateAction(state.productArn(), state.repository(), name,
                        state.findings().size()));
            }
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Cannot keep the Trivy import state with " + run + "; the next build reads "
                    + "Security Hub back instead", e);
        }
    }

    private static String fileName(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 24) + ".json.gz";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
