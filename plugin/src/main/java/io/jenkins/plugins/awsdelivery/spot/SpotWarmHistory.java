package io.jenkins.plugins.awsdelivery.spot;

import hudson.util.AtomicFileWriter;
import io.jenkins.plugins.awsdelivery.core.spot.SpotEngine;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Warm capacity's memory of one Spot cloud across restarts: the arrival history its forecast learnt and the cost
 * ledger its budget is checked against, each a few KB of text under {@code JENKINS_HOME/aws-delivery-stages}.
 * Called from the runtime's own thread only.
 */
final class SpotWarmHistory {

    private static final Logger LOGGER = Logger.getLogger(SpotCloudRuntime.class.getName());

    /** How often the history is written to disk. */
    static final Duration SAVE_INTERVAL = Duration.ofHours(1);

    private final String cloudName;
    private Instant savedAt;

    SpotWarmHistory(String cloudName) {
        this.cloudName = cloudName;
    }

    /** Hands the saved history and ledger to a new engine; a file that cannot be used is logged and ignored. */
    void restore(SpotEngine e, Instant now) {
        savedAt = now;
        read(forecastFile(), e::restoreForecast, "arrival history", "warm capacity learns again");
        read(ledgerFile(), e::restoreWarmLedger, "warm capacity ledger", "the budget counts from now");
    }

    /** Writes both files when the last write is {@link #SAVE_INTERVAL} old. */
    void saveWhenDue(SpotEngine e, Instant now) {
        if (savedAt != null && now.isBefore(savedAt.plus(SAVE_INTERVAL))) {
            return;
        }
        savedAt = now;
        write(forecastFile(), e.forecastSnapshot());
        write(ledgerFile(), e.warmLedgerSnapshot());
    }

    private File forecastFile() {
        return new File(Jenkins.get().getRootDir(), "aws-delivery-stages/spot-arrivals-" + cloudName + ".txt");
    }

    private File ledgerFile() {
        return new File(Jenkins.get().getRootDir(), "aws-delivery-stages/spot-warm-ledger-" + cloudName + ".txt");
    }

    private void read(File f, Consumer<String> into, String what, String consequence) {
        try {
            if (f.isFile()) {
                into.accept(Files.readString(f.toPath(), StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalArgumentException ex) {
            LOGGER.log(Level.WARNING, "Spot cloud " + cloudName + ": " + what + " " + f + " not used; "
                    + consequence, ex);
        }
    }

    private void write(File f, String text) {
        try {
            Files.createDirectories(f.toPath().getParent());
            AtomicFileWriter w = new AtomicFileWriter(f.toPath(), StandardCharsets.UTF_8);
            try {
                w.write(text);
                w.commit();
            } finally {
                w.abort();
            }
        } catch (IOException ex) {
            LOGGER.log(Level.WARNING, "Spot cloud " + cloudName + ": " + f + " not saved", ex);
        }
    }
}
