package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.ImportStateFile;
import io.jenkins.plugins.awsdelivery.core.trivy.SeverityGate;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReport;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReportReader;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyRunner;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScan;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanRequest;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trivy-to-securityhub}: the trivyScanToSecurityHub stage from a shell. */
@Command(name = "trivy-to-securityhub", mixinStandardHelpOptions = true,
        description = {"Import a Trivy report into AWS Security Hub as ASFF findings, and gate on severity.",
            "Exit code 1 when the gate fails (findings of a --fail-on severity); 2 for a report or option that is "
                + "not valid (nothing is imported); 3 when AWS fails or anything unexpected happens (such as "
                + "running out of memory)."})
public final class TrivyToSecurityHubCommand extends StageCommand {

    static final String DRY_RUN_REGION = "us-east-1";

    @Mixin
    AwsOptions aws;

    @Option(names = "--report", paramLabel = "FILE", description = "A Trivy JSON report (trivy --format json).")
    Path report;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Scan this image with trivy from the PATH instead.")
    String image;

    @Option(names = "--trivy-arg", paramLabel = "ARG", description = "Extra argument for trivy image (repeatable).")
    List<String> trivyArguments = new ArrayList<>();

    @Option(names = "--account-id", paramLabel = "ID", description = "AWS account of the findings (default: STS).")
    String accountId;

    @Option(names = "--aqua-product", description = "Import as the Aqua Security integration's product.")
    boolean aquaProduct;

    @Option(names = "--fail-on", split = ",", paramLabel = "SEVERITY",
            description = "Severities that fail the gate (default: CRITICAL).")
    List<String> failOn = new ArrayList<>();

    @Option(names = "--ignore-unfixed", description = "Vulnerabilities without a fixed version never fail the gate.")
    boolean ignoreUnfixed;

    @Option(names = "--ignore-id", split = ",", paramLabel = "ID", description = "IDs that never fail the gate.")
    List<String> ignoreIds = new ArrayList<>();

    @Option(names = "--ignore-file", paramLabel = "FILE", description = "A .trivyignore file of IDs to ignore.")
    Path ignoreFile;

    @Option(names = "--import-severities", split = ",", paramLabel = "SEVERITY",
            description = "Import only these severities (default: all).")
    List<String> importSeverities = new ArrayList<>();

    @Option(names = "--no-archive", description = "Do not archive earlier findings that are gone now.")
    boolean noArchive;

    @Option(names = "--state-file", paramLabel = "FILE",
            description = "Keep what each import sent in this file (gzip when it ends in .gz), so the next import "
                    + "archives fixed findings without reading them back from Security Hub.")
    Path stateFile;

    @Option(names = "--reconcile", description = "Read the earlier findings back from Security Hub even when "
            + "--state-file knows them (after changes made elsewhere).")
    boolean reconcile;

    @Option(names = "--dry-run", description = "Call no AWS API; write the findings to --asff-file.")
    boolean dryRun;

    @Option(names = "--asff-file", paramLabel = "FILE", description = "Write the ASFF findings to this file.")
    Path asffFile;

    @Override
    protected Outcome run(StageLog log) {
        Set<String> ignore = new HashSet<>(ignoreIds);
        if (ignoreFile != null) {
            ignore.addAll(SeverityGate.readIgnoreFile(ignoreFile, LocalDate.now()));
        }
        if (dryRun && report != null && (!aws.hasRegion() || accountId == null)) {
            // A dry run calls no AWS API: an ECR image's own region and account make the ARNs right.
            try {
                TrivyReport parsed = TrivyReportReader.readArtifact(report);
                if (!aws.hasRegion()) {
                    parsed.ecrRegion().ifPresent(r -> {
                        aws.region = r;
                        log.info("Dry run: region %s from the ECR image.", r);
                    });
                }
                if (accountId == null) {
                    parsed.ecrAccount().ifPresent(a -> {
                        accountId = a;
                        log.info("Dry run: account %s from the ECR image.", a);
                    });
                }
            } catch (StageException e) {
                // TrivyScan reads the report again and reports the problem with its position.
            }
        }
        TrivyScanRequest request = new TrivyScanRequest(report, image, trivyArguments, accountId,
                aquaProduct ? AsffMapper.Product.AQUA : AsffMapper.Product.DEFAULT,
                new SeverityGate(new HashSet<>(failOn), ignoreUnfixed, ignore, false), new HashSet<>(importSeverities),
                !noArchive, dryRun, asffFile, reconcile);
        if (dryRun && !aws.hasRegion()) {
            // A dry run calls no AWS API; the region only appears in ARNs.
            aws.region = DRY_RUN_REGION;
            log.warn("Dry run without --region or AWS_REGION: ARNs use %s.", DRY_RUN_REGION);
        }
        try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
            TrivyScanResult result = new TrivyScan(request, factory, TrivyRunner.fromEnvironment(
                    Path.of(System.getProperty("java.io.tmpdir"))), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
                    log).withStateStore(stateFile == null ? null : new ImportStateFile(stateFile)).run();
            return new Outcome(result, result.gatePassed());
        }
    }
}
