package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFindingFilters;
import software.amazon.awssdk.services.securityhub.model.GetFindingsRequest;
import software.amazon.awssdk.services.securityhub.model.MapFilter;
import software.amazon.awssdk.services.securityhub.model.MapFilterComparison;
import software.amazon.awssdk.services.securityhub.model.RecordState;
import software.amazon.awssdk.services.securityhub.model.StringFilter;
import software.amazon.awssdk.services.securityhub.model.StringFilterComparison;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The whole stage: read (or scan), validate, map to ASFF, gate, import or write the dry-run file, and archive this
 * project's findings for the same image repository that the new report no longer has.
 */
public final class TrivyScan {

    /** The account in ARNs of a dry run that was given no account ID. */
    public static final String DRY_RUN_ACCOUNT = "000000000000";

    private final TrivyScanRequest request;
    private final AwsClientFactory aws;
    private final TrivyRunner runner;
    private final Clock clock;
    private final BlockingWaiter.Sleeper sleeper;
    private final StageLog log;

    public TrivyScan(TrivyScanRequest request, AwsClientFactory aws, TrivyRunner runner, Clock clock,
                     BlockingWaiter.Sleeper sleeper, StageLog log) {
        this.request = request;
        this.aws = aws;
        this.runner = runner;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    public TrivyScanResult run() {
        Path reportFile = request.reportFile() != null ? request.reportFile()
                : runner.scan(request.image(), request.trivyArguments(), log);
        TrivyReport report = TrivyReportParser.parse(reportFile);
        String region = aws.settings().region();
        String account = request.accountId() != null ? request.accountId() : request.dryRun() ? DRY_RUN_ACCOUNT
                : aws.call("sts:GetCallerIdentity", () -> aws.client(StsClient::builder).getCallerIdentity())
                        .account();
        if (request.dryRun() && request.accountId() == null) {
            log.warn("Dry run without accountId: ARNs and AwsAccountId use the placeholder %s.", DRY_RUN_ACCOUNT);
        }
        Instant now = clock.instant();
        AsffMapper mapper = new AsffMapper(region, account, request.product(), now);
        AsffMapper.Mapping mapping = mapper.map(report);
        List<Map<String, Object>> failed = new ArrayList<>();
        for (AsffMapper.InvalidFinding invalid : mapping.invalid()) {
            log.warn("Finding %s (%s) cannot be imported: %s.", invalid.id(), invalid.issue(), invalid.reason());
            failed.add(failure(invalid.id(), "InvalidFinding", invalid.reason()));
        }
        List<MappedFinding> toImport = mapping.findings().stream()
                .filter(f -> request.importSeverities().isEmpty() || request.importSeverities().contains(f.severity()))
                .toList();
        List<MappedFinding> gating = request.gate().gating(mapping.findings());

        int imported = 0;
        int archived = 0;
        long importCalls = 0;
        if (request.asffFile() != null) {
            writeAsff(request.asffFile(), toImport.stream().map(MappedFinding::finding).toList());
            log.info("Wrote %d ASFF findings to %s.", toImport.size(), request.asffFile());
        }
        if (!request.dryRun()) {
            Map<String, AwsSecurityFinding> existing = existing(mapping.repository(), mapper.productArn());
            List<AwsSecurityFinding> findings = toImport.stream()
                    .map(f -> keepFirstSeen(f.finding(), existing.get(f.id()))).toList();
            SecurityHubImporter importer = new SecurityHubImporter(aws,
                    RateLimiter.securityHubImports(clock, sleeper), sleeper, log);
            SecurityHubImporter.Outcome outcome = importer.importAll(findings);
            imported = outcome.imported();
            importCalls += outcome.calls();
            outcome.failed().forEach(f -> failed.add(failure(f.id(), f.errorCode(), f.message())));
            if (request.archiveFixed()) {
                Set<String> present = new HashSet<>();
                mapping.findings().forEach(f -> present.add(f.id()));
                List<AwsSecurityFinding> gone = existing.values().stream().filter(f -> !present.contains(f.id()))
                        .map(f -> f.toBuilder().recordState(RecordState.ARCHIVED).updatedAt(now.toString()).build())
                        .toList();
                if (!gone.isEmpty()) {
                    SecurityHubImporter.Outcome archive = importer.importAll(gone);
                    archived = archive.imported();
                    importCalls += archive.calls();
                    archive.failed().forEach(f -> failed.add(failure(f.id(), f.errorCode(), f.message())));
                }
            }
        }
        TrivyScanResult result = new TrivyScanResult(mapping.repository(), report.severityCounts(),
                mapping.findings().size(), imported, List.copyOf(failed), archived, gating.isEmpty(),
                gating.stream().map(MappedFinding::id).toList(),
                gating.stream().map(MappedFinding::issue).distinct().toList(), request.gate().markUnstable(),
                consoleUrl(region), request.dryRun(), aws.calls().totalAttempts(), importCalls);
        report(report, result, gating);
        return result;
    }

    /** This project's ACTIVE findings for the repository, by ID (filtered here as well as by Security Hub). */
    private Map<String, AwsSecurityFinding> existing(String repository, String productArn) {
        GetFindingsRequest get = GetFindingsRequest.builder().maxResults(100).filters(AwsSecurityFindingFilters
                .builder()
                .productFields(MapFilter.builder().key(AsffMapper.REPOSITORY_FIELD).value(repository)
                        .comparison(MapFilterComparison.EQUALS).build())
                .productArn(StringFilter.builder().value(productArn).comparison(StringFilterComparison.EQUALS).build())
                .recordState(StringFilter.builder().value("ACTIVE").comparison(StringFilterComparison.EQUALS).build())
                .build()).build();
        List<AwsSecurityFinding> all = aws.call("securityhub:GetFindings",
                () -> aws.client(SecurityHubClient::builder).getFindingsPaginator(get).findings().stream().toList());
        Map<String, AwsSecurityFinding> out = new HashMap<>();
        for (AwsSecurityFinding f : all) {
            if (repository.equals(f.productFields().get(AsffMapper.REPOSITORY_FIELD))
                    && productArn.equals(f.productArn()) && f.recordState() != RecordState.ARCHIVED
                    && f.generatorId() != null && f.generatorId().startsWith("trivy/")) {
                out.put(f.id(), f);
            }
        }
        return out;
    }

    private static AwsSecurityFinding keepFirstSeen(AwsSecurityFinding f, AwsSecurityFinding before) {
        if (before == null) {
            return f;
        }
        return f.toBuilder().createdAt(before.createdAt() == null ? f.createdAt() : before.createdAt())
                .firstObservedAt(before.firstObservedAt() == null ? f.firstObservedAt() : before.firstObservedAt())
                .build();
    }

    private void report(TrivyReport report, TrivyScanResult r, List<MappedFinding> gating) {
        log.info("Trivy findings for %s (%s):", r.repository(), report.fileName());
        log.info("  %-10s %8s", "SEVERITY", "COUNT");
        r.severityCounts().forEach((s, n) -> log.info("  %-10s %8d", s, n));
        if (r.dryRun()) {
            log.info("Dry run: nothing was imported.");
        } else {
            log.info("Imported %d of %d finding(s) into Security Hub; %d archived; %d not imported.", r.imported(),
                    r.total(), r.archived(), r.failed().size());
            r.failed().forEach(f -> log.info("  not imported: %s %s %s", f.get("id"), f.get("errorCode"),
                    f.get("message")));
        }
        if (gating.isEmpty()) {
            log.info("Gate passed: no finding of severity %s.", request.gate().failOn());
        } else {
            log.info("Gate failed: %d finding(s) of severity %s:", gating.size(), request.gate().failOn());
            gating.stream().limit(50).forEach(f -> log.info("  %s %s %s", f.severity(), f.issue(), f.finding().title()));
            if (gating.size() > 50) {
                log.info("  ... and %d more", gating.size() - 50);
            }
        }
    }

    private String consoleUrl(String region) {
        Partition p = Partition.forRegion(region);
        String host = p == Partition.AWS ? region + "." + p.consoleHost() : p.consoleHost();
        return "https://" + host + "/securityhub/home?region=" + region + "#/findings";
    }

    private static Map<String, Object> failure(String id, String code, String message) {
        return PlainValues.map().put("id", id).put("errorCode", code).put("message", message).build();
    }

    static void writeAsff(Path file, List<AwsSecurityFinding> findings) {
        var root = AsffJson.JSON.createObjectNode();
        var list = root.putArray("Findings");
        findings.forEach(f -> list.add(AsffJson.toJson(f)));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            AsffJson.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw StageException.invalidInput("Cannot write the ASFF file " + file + ": " + e.getMessage(),
                    "Check asffFile's directory and permissions.");
        }
    }

    /** Severity names in the order they are shown. */
    public static String severities() {
        return TrivyReportParser.SEVERITIES.stream().collect(Collectors.joining(", "));
    }
}
