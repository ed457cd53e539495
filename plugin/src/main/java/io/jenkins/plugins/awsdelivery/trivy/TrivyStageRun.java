package io.jenkins.plugins.awsdelivery.trivy;

import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.StageLogs;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import io.jenkins.plugins.awsdelivery.aws.ResolvedAws;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.SeverityGate;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyRunner;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScan;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanRequest;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One run of the stage from Jenkins: the report is read from the workspace (on whatever agent it is), or produced
 * there by {@code trivy image}; everything else happens in core. Files are copied to a temporary directory on the
 * controller for the parse and back to the workspace for the ASFF file.
 */
final class TrivyStageRun {

    private TrivyStageRun() {}

    static TrivyScanResult run(TrivyParameters p, AwsConnection connection, Run<?, ?> run, FilePath workspace,
                               Launcher launcher, TaskListener listener) throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("trivy-to-securityhub");
        try {
            FilePath report = report(p, workspace, launcher, listener);
            Path local = tmp.resolve("trivy.json");
            if (!report.exists()) {
                throw new AbortException("Trivy report " + report.getRemote() + " does not exist. Check reportFile, "
                        + "or run trivy with --format json --output " + report.getName() + " first.");
            }
            report.copyTo(new FilePath(local.toFile()));
            Set<String> ignore = new HashSet<>(p.getIgnoreIds());
            if (p.getIgnoreFile() != null) {
                Path ignoreLocal = tmp.resolve(".trivyignore");
                workspace.child(p.getIgnoreFile()).copyTo(new FilePath(ignoreLocal.toFile()));
                ignore.addAll(SeverityGate.readIgnoreFile(ignoreLocal, LocalDate.now()));
            }
            Path asffLocal = p.getAsffFile() == null ? null : tmp.resolve("asff.json");
            TrivyScanRequest request = new TrivyScanRequest(local, null, List.of(), p.getAccountId(),
                    "aqua".equalsIgnoreCase(p.getProduct()) ? AsffMapper.Product.AQUA : AsffMapper.Product.DEFAULT,
                    new SeverityGate(new HashSet<>(p.getFailOn()), p.isIgnoreUnfixed(), ignore, p.isMarkUnstable()),
                    new HashSet<>(p.getImportSeverities()), p.isArchiveFixed(), p.isDryRun(), asffLocal,
                    p.isReconcile());
            ResolvedAws aws = connection.resolve(run, listener);
            StageLog log = StageLogs.of(listener, aws.secrets());
            TrivyScanResult result;
            try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
                result = new TrivyScan(request, factory, new TrivyRunner("", tmp), Clock.systemUTC(),
                        d -> Thread.sleep(d.toMillis()), log).withStateStore(new BuildImportStateStore(run)).run();
            }
            if (asffLocal != null) {
                new FilePath(asffLocal.toFile()).copyTo(workspace.child(p.getAsffFile()));
            }
            return result;
        } catch (StageException e) {
            throw new AbortException(e.describe());
        } finally {
            new FilePath(tmp.toFile()).deleteRecursive();
        }
    }

    /** The report in the workspace: the given one, or one trivy writes there now. */
    private static FilePath report(TrivyParameters p, FilePath workspace, Launcher launcher, TaskListener listener)
            throws IOException, InterruptedException {
        if (p.getReportFile() != null && p.getImage() != null) {
            throw new AbortException("Both reportFile and image were given. Give one of them.");
        }
        if (p.getReportFile() != null) {
            return workspace.child(p.getReportFile());
        }
        if (p.getImage() == null) {
            throw new AbortException("Neither reportFile nor image was given. Give reportFile (a report of "
                    + "trivy --format json) or image (scanned with trivy on the agent's PATH).");
        }
        FilePath out = workspace.child("trivy-" + p.getImage().replaceAll("[^A-Za-z0-9._-]", "_")
                .toLowerCase(Locale.ROOT) + ".json");
        List<String> cmd = new ArrayList<>(List.of("trivy", "image", "--format", "json", "--output", out.getRemote()));
        cmd.addAll(p.getTrivyArguments());
        cmd.add(p.getImage());
        int code;
        try {
            code = launcher.launch().cmds(cmd).pwd(workspace).stdout(listener).join();
        } catch (IOException e) {
            throw new AbortException("No trivy executable could be run on the agent (" + e.getMessage() + "). "
                    + "Install Trivy on the agent, or scan elsewhere and give reportFile.");
        }
        if (code != 0) {
            throw new AbortException("trivy image " + p.getImage() + " exited with code " + code + ".");
        }
        return out;
    }
}
