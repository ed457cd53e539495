package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The gate: which findings fail the build. Separate from the import: everything is imported unless
 * {@code importSeverities} narrows it.
 *
 * @param failOn severities that fail the gate
 * @param ignoreUnfixed vulnerabilities without a fixed version never fail the gate
 * @param ignoreIds CVE, check or rule IDs that never fail the gate
 * @param markUnstable a failed gate marks the build UNSTABLE instead of failing it
 */
public record SeverityGate(Set<String> failOn, boolean ignoreUnfixed, Set<String> ignoreIds, boolean markUnstable)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public SeverityGate {
        failOn = failOn == null ? Set.of() : severities("failOn", failOn);
        if (failOn.isEmpty()) {
            // Blank entries (an empty form field) mean "not given", never "no severity fails the gate".
            failOn = Set.of("CRITICAL");
        }
        ignoreIds = ignoreIds == null ? Set.of() : Set.copyOf(ignoreIds);
    }

    /** Checks and normalises severity names. */
    public static Set<String> severities(String parameter, java.util.Collection<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            String s = v.trim().toUpperCase(Locale.ROOT);
            if (s.isEmpty()) {
                continue;
            }
            if (!TrivyReportReader.SEVERITIES.contains(s)) {
                throw StageException.invalidInput("'" + v + "' in " + parameter + " is not a Trivy severity.",
                        "Use " + TrivyReportReader.SEVERITIES + ".");
            }
            out.add(s);
        }
        return Set.copyOf(out);
    }

    /**
     * Whether a finding fails the gate. {@code ignoreIds} match the issue or any of its aliases, as Trivy's own
     * filter does: a misconfiguration's AVD ID, a vulnerability's vendor IDs.
     */
    public boolean gates(MappedFinding f) {
        return failOn.contains(f.severity())
                && !(ignoreUnfixed && !f.fixAvailable())
                && f.aliases().stream().noneMatch(ignoreIds::contains)
                && !ignoreIds.contains(f.issue());
    }

    /**
     * IDs of a {@code .trivyignore} file: one per line, {@code #} comments, and entries whose {@code exp:} date has
     * passed are no longer ignored.
     */
    public static Set<String> readIgnoreFile(Path file, LocalDate today) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw StageException.invalidInput("The ignore file " + file + " does not exist.",
                    "Check ignoreFile, or give ignoreIds as a list.");
        } catch (IOException e) {
            throw StageException.invalidInput("The ignore file " + file + " cannot be read: " + e.getMessage() + ".",
                    "Check ignoreFile, or give ignoreIds as a list.");
        }
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            String l = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            String[] parts = l.trim().split("\\s+");
            if (parts.length == 0 || parts[0].isEmpty()) {
                continue;
            }
            boolean expired = false;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("exp:")) {
                    try {
                        expired = LocalDate.parse(parts[i].substring(4)).isBefore(today);
                    } catch (java.time.format.DateTimeParseException e) {
                        throw StageException.invalidInput("The ignore file " + file + " has an expiry date '"
                                + parts[i].substring(4) + "' for " + parts[0] + " that is not a date.",
                                "Write it as exp:YYYY-MM-DD.");
                    }
                }
            }
            if (!expired) {
                ids.add(parts[0]);
            }
        }
        return Set.copyOf(ids);
    }
}
