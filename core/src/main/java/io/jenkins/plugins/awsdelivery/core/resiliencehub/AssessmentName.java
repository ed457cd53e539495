package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of Resilience Hub assessments. The name is how a resumed build finds the assessment it started, so the
 * default is the same every time for one build: {@code jenkins-<job>-<build>}, shortened with a hash when long.
 */
public final class AssessmentName {

    /** Resilience Hub's EntityName: a letter or digit, then 1 to 59 letters, digits, '_' or '-'. */
    private static final Pattern ENTITY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{1,59}");
    private static final int MAX = 60;

    private AssessmentName() {}

    /** The default name for build {@code build} of job {@code job} (its full name, folders included). */
    public static String forBuild(String job, long build) {
        String cleanJob = (job == null ? "" : job).replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("-{2,}", "-")
                .replaceAll("^[-_]+|[-_]+$", "");
        String suffix = "-" + build;
        String name = "jenkins-" + (cleanJob.isEmpty() ? "job" : cleanJob) + suffix;
        if (name.length() <= MAX) {
            return name;
        }
        // Folder paths make long names: keep the end of the job name, which is the part users recognise, and a
        // hash of the whole so that two long jobs with the same ending still differ.
        String hash = sha256(job + "#" + build).substring(0, 8);
        int room = MAX - "jenkins-".length() - hash.length() - 1 - suffix.length();
        String tail = cleanJob.substring(cleanJob.length() - room).replaceAll("^[-_]+", "");
        return "jenkins-" + hash + "-" + tail + suffix;
    }

    /** Checks a name given by the user against Resilience Hub's rules. */
    public static String require(String name) {
        String t = name.trim();
        if (!ENTITY_NAME.matcher(t).matches()) {
            throw StageException.invalidInput("assessmentName '" + name + "' is not a valid Resilience Hub name.",
                    "Use 2 to 60 letters, digits, '_' or '-', starting with a letter or digit, such as "
                            + "release-42; or leave it empty for the default jenkins-<job>-<build>.");
        }
        return t;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
