package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What {@code trivyScanToSecurityHub} reads, imports and gates on.
 *
 * @param reportFile a Trivy JSON report, or null to scan {@code image}
 * @param image an image to scan with the trivy executable
 * @param trivyArguments extra arguments for {@code trivy image}
 * @param accountId the AWS account of the findings; null to ask STS
 * @param product the account's default product, or the Aqua Security integration
 * @param importSeverities only findings of these severities are imported; empty for all
 * @param archiveFixed archive this project's earlier findings for the same image repository that are gone now
 * @param dryRun call no AWS API
 * @param asffFile write the ASFF findings to this file
 * @param reconcile read this project's earlier findings back from Security Hub even when the state of the last
 *     import is known (for when something else changed them)
 */
public record TrivyScanRequest(Path reportFile, String image, List<String> trivyArguments, String accountId,
                               AsffMapper.Product product, SeverityGate gate, Set<String> importSeverities,
                               boolean archiveFixed, boolean dryRun, Path asffFile, boolean reconcile) {

    public TrivyScanRequest {
        if (reportFile == null && (image == null || image.isBlank())) {
            throw StageException.invalidInput("Neither reportFile nor image was given.",
                    "Give reportFile (a report of trivy --format json) or image (scanned with trivy on the PATH).");
        }
        if (reportFile != null && image != null && !image.isBlank()) {
            throw StageException.invalidInput("Both reportFile and image were given.", "Give one of them.");
        }
        trivyArguments = trivyArguments == null ? List.of() : List.copyOf(trivyArguments);
        if (accountId != null && !accountId.isBlank() && !accountId.matches("\\d{12}")) {
            throw StageException.invalidInput("'" + accountId + "' is not an AWS account ID.", "Use 12 digits.");
        }
        accountId = accountId == null || accountId.isBlank() ? null : accountId;
        product = product == null ? AsffMapper.Product.DEFAULT : product;
        gate = gate == null ? new SeverityGate(null, false, null, false) : gate;
        importSeverities = importSeverities == null ? Set.of()
                : SeverityGate.severities("importSeverities", importSeverities);
        if (dryRun && asffFile == null) {
            throw StageException.invalidInput("dryRun was asked without asffFile.",
                    "Give asffFile: the file the ASFF findings are written to instead of being imported.");
        }
    }

    /** The request of earlier versions, without {@code reconcile}. */
    public TrivyScanRequest(Path reportFile, String image, List<String> trivyArguments, String accountId,
                            AsffMapper.Product product, SeverityGate gate, Set<String> importSeverities,
                            boolean archiveFixed, boolean dryRun, Path asffFile) {
        this(reportFile, image, trivyArguments, accountId, product, gate, importSeverities, archiveFixed, dryRun,
                asffFile, false);
    }

    public static TrivyScanRequest ofReport(Path report) {
        return new TrivyScanRequest(report, null, null, null, null, null, null, true, false, null, false);
    }

    public TrivyScanRequest withReconcile(boolean r) {
        return new TrivyScanRequest(reportFile, image, trivyArguments, accountId, product, gate, importSeverities,
                archiveFixed, dryRun, asffFile, r);
    }

    public TrivyScanRequest withReport(Path report) {
        return new TrivyScanRequest(report, null, trivyArguments, accountId, product, gate, importSeverities,
                archiveFixed, dryRun, asffFile, reconcile);
    }

    public TrivyScanRequest withGate(SeverityGate g) {
        return new TrivyScanRequest(reportFile, image, trivyArguments, accountId, product, g, importSeverities,
                archiveFixed, dryRun, asffFile, reconcile);
    }

    public TrivyScanRequest withDryRun(Path file) {
        return new TrivyScanRequest(reportFile, image, trivyArguments, accountId, product, gate, importSeverities,
                archiveFixed, true, file, reconcile);
    }

    public TrivyScanRequest withImportSeverities(Set<String> severities) {
        return new TrivyScanRequest(reportFile, image, trivyArguments, accountId, product, gate, severities,
                archiveFixed, dryRun, asffFile, reconcile);
    }

    public TrivyScanRequest withArchive(boolean archive) {
        return new TrivyScanRequest(reportFile, image, trivyArguments, accountId, product, gate, importSeverities,
                archive, dryRun, asffFile, reconcile);
    }
}
