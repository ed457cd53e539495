package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code trivy image --format json} on an image, with the executable found on the PATH. */
public final class TrivyRunner {

    private final String path;
    private final Path workDir;

    /**
     * @param path the PATH to look for {@code trivy} in
     * @param workDir where the report is written
     */
    public TrivyRunner(String path, Path workDir) {
        this.path = path == null ? "" : path;
        this.workDir = workDir;
    }

    public static TrivyRunner fromEnvironment(Path workDir) {
        return new TrivyRunner(System.getenv("PATH"), workDir);
    }

    /** Scans and returns the report file. */
    public Path scan(String image, List<String> extraArguments, StageLog log) {
        String trivy = executable();
        Path report = workDir.resolve("trivy-report.json");
        List<String> command = new ArrayList<>(List.of(trivy, "image", "--format", "json", "--output",
                report.toString()));
        command.addAll(extraArguments);
        command.add(image);
        log.info("Running %s", String.join(" ", command));
        try {
            Files.createDirectories(workDir);
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                throw StageException.invalidInput("trivy image " + image + " exited with code " + code + ": "
                        + lastLines(output), "Check the image name, registry credentials and the Trivy arguments.");
            }
            return report;
        } catch (IOException e) {
            throw StageException.invalidInput("trivy could not be run: " + e.getMessage(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StageException.invalidInput("Interrupted while trivy scanned " + image + ".", "");
        }
    }

    private String executable() {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "trivy");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw StageException.invalidInput("No trivy executable was found on the PATH to scan the image.",
                "Install Trivy on the agent, or scan elsewhere and give reportFile (trivy image --format json).");
    }

    private static String lastLines(String output) {
        String[] lines = output.strip().split("\n");
        return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 3),
                lines.length));
    }
}
