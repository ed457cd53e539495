package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFindingFilters;
import software.amazon.awssdk.services.securityhub.model.GetFindingsRequest;
import software.amazon.awssdk.services.securityhub.model.GetFindingsResponse;
import software.amazon.awssdk.services.securityhub.model.MapFilter;
import software.amazon.awssdk.services.securityhub.model.MapFilterComparison;
import software.amazon.awssdk.services.securityhub.model.RecordState;
import software.amazon.awssdk.services.securityhub.model.StringFilter;
import software.amazon.awssdk.services.securityhub.model.StringFilterComparison;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The whole stage: read (or scan) and check the report, then stream it finding by finding: map to ASFF, gate, write
 * the dry-run file and import in batches as they fill. Finally archive this project's findings for the same image
 * repository that the new report no longer has, from the state the last import left (or, without one, from what
 * Security Hub holds), and keep the new state.
 */
public final class TrivyScan {

    /** The account in ARNs of a dry run that was given no account ID. */
    public static final String DRY_RUN_ACCOUNT = "000000000000";
    /** Gating findings listed in the log; the result has them all. */
    private static final int GATE_LINES = 50;
    /** Findings that could not be imported listed in the log and the result. */
    private static final int FAILED_LISTED = 1000;

    private final TrivyScanRequest request;
    private final AwsClientFactory aws;
    private final TrivyRunner runner;
    private final Clock clock;
    private final BlockingWaiter.Sleeper sleeper;
    private final StageLog log;
    private ImportStateStore store = ImportStateStore.none();

    public TrivyScan(TrivyScanRequest request, AwsClientFactory aws, TrivyRunner runner, Clock clock,
                     BlockingWaiter.Sleeper sleeper, StageLog log) {
        this.request = request;
        this.aws = aws;
        this.runner = runner;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    /** Where the state of the last import is kept; without one, earlier findings are read from Security Hub. */
    public TrivyScan withStateStore(ImportStateStore s) {
        this.store = s == null ? ImportStateStore.none() : s;
        return this;
    }

    /** A finding that fails the gate, as much as the log and the result need. */
    private record Gating(String id, String issue, String severity, String title) {}

    /** Findings that could not be imported, listed up to a bound and counted beyond it. */
    private static final class Failures {
        final List<Map<String, Object>> listed = new ArrayList<>();
        int count;

        void add(String id, String code, String message) {
            count++;
            if (listed.size() < FAILED_LISTED) {
                listed.add(PlainValues.map().put("id", id).put("errorCode", code).put("message", message).build());
            }
        }
    }

    public TrivyScanResult run() {
        Path reportFile = request.reportFile() != null ? request.reportFile()
                : runner.scan(request.image(), request.trivyArguments(), log);
        TrivyReport report = TrivyReportReader.read(reportFile);
        describe(report);
        String region = aws.settings().region();
        String account = request.accountId() != null ? request.accountId() : request.dryRun() ? DRY_RUN_ACCOUNT
                : aws.call("sts:GetCallerIdentity", () -> aws.client(StsClient::builder).getCallerIdentity())
                        .account();
        if (request.dryRun() && request.accountId() == null) {
            log.warn("Dry run without accountId: ARNs and AwsAccountId use the placeholder %s.", DRY_RUN_ACCOUNT);
        }
        Instant now = clock.instant();
        AsffMapper mapper = new AsffMapper(region, account, request.product(), now);
        String repository = AsffMapper.repository(report);
        String productArn = mapper.productArn();

        Map<String, ImportState.Entry> earlierFindings = Map.of();
        String earlierSource = "none";
        if (!request.dryRun()) {
            Optional<ImportStateStore.Earlier> earlier = request.reconcile() ? Optional.empty()
                    : store.load(productArn, repository);
            if (earlier.isPresent()) {
                earlierFindings = earlier.get().state().findings();
                earlierSource = earlier.get().source();
                log.info("Earlier findings of %s: %d, as the last import left them (%s).", repository,
                        earlierFindings.size(), earlierSource);
            } else {
                earlierFindings = readBack(repository, productArn);
                earlierSource = "Security Hub";
                log.info("Earlier findings of %s: %d, read back from Security Hub (%s).", repository,
                        earlierFindings.size(),
                        request.reconcile() ? "reconcile was asked" : "no state of an earlier import was found");
            }
        }

        Set<String> present = new HashSet<>();
        Map<String, ImportState.Entry> sent = new HashMap<>();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        List<Gating> gating = new ArrayList<>();
        Failures failed = new Failures();
        int[] total = {0};
        int[] duplicates = {0};
        int imported = 0;
        int archived = 0;
        int archivedEarlierRule = 0;
        long importCalls = 0;
        Map<String, ImportState.Entry> before = earlierFindings;
        SeverityGate gate = request.gate();
        // One limiter for the import and the archive: they share Security Hub's rate.
        RateLimiter imports = RateLimiter.securityHubImports(clock, sleeper);
        try (AsffFileWriter asff = request.asffFile() == null ? null : new AsffFileWriter(request.asffFile());
             SecurityHubImporter importer = request.dryRun() ? null : new SecurityHubImporter(aws,
                     imports, sleeper, log, accepted::add)) {
            TrivyReportReader.forEachFinding(report, reportFile, (result, finding) -> {
                AsffMapper.Mapped m = mapper.map(report, result, finding, before::get);
                MappedFinding f = m.finding();
                if (!present.add(f.id())) {
                    duplicates[0]++;
                    return;
                }
                // The gate judges every finding Trivy reported: one too large for Security Hub still gates.
                if (gate.gates(f)) {
                    gating.add(new Gating(f.id(), f.issue(), f.severity(), f.finding().title()));
                }
                if (m.error() != null) {
                    log.warn("Finding %s (%s) cannot be imported: %s.", f.id(), f.issue(), m.error());
                    failed.add(f.id(), "InvalidFinding", m.error());
                    return;
                }
                total[0]++;
                if (!request.importSeverities().isEmpty() && !request.importSeverities().contains(f.severity())) {
                    return;
                }
                if (asff != null) {
                    asff.write(f.finding());
                }
                if (importer != null) {
                    sent.put(f.id(), AsffMapper.entry(f.finding(), f.severity()));
                    try {
                        importer.add(f.finding(), f.bytes());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw interrupted(e);
                    }
                }
            });
            if (asff != null) {
                log.info("Wrote %d ASFF findings to %s.", asff.count(), request.asffFile());
            }
            if (importer != null) {
                SecurityHubImporter.Outcome outcome = importer.finish();
                imported = outcome.imported();
                importCalls += outcome.calls();
                outcome.failed().forEach(x -> failed.add(x.id(), x.errorCode(), x.message()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        }
        if (duplicates[0] > 0) {
            log.info("%d finding(s) had the identity of an earlier finding in the report (the same issue in the "
                    + "same package and place) and were merged into it.", duplicates[0]);
        }

        if (!request.dryRun()) {
            Map<String, ImportState.Entry> kept = new LinkedHashMap<>();
            sent.forEach((id, e) -> {
                if (accepted.contains(id)) {
                    kept.put(id, e);
                } else if (before.containsKey(id)) {
                    kept.put(id, before.get(id));
                }
            });
            List<String> gone = new ArrayList<>();
            for (Map.Entry<String, ImportState.Entry> e : before.entrySet()) {
                if (!present.contains(e.getKey())) {
                    gone.add(e.getKey());
                } else if (!kept.containsKey(e.getKey())) {
                    // Still reported, not sent now (importSeverities): it stays as it was.
                    kept.put(e.getKey(), e.getValue());
                }
            }
            if (request.archiveFixed() && !gone.isEmpty()) {
                Set<String> archivedIds = ConcurrentHashMap.newKeySet();
                try (SecurityHubImporter archiver = new SecurityHubImporter(aws,
                        imports, sleeper, log, archivedIds::add)) {
                    for (String id : gone) {
                        AwsSecurityFinding a = mapper.archived(report, id, before.get(id), null);
                        archiver.add(a, AsffJson.size(a));
                    }
                    SecurityHubImporter.Outcome outcome = archiver.finish();
                    archived = outcome.imported();
                    importCalls += outcome.calls();
                    outcome.failed().forEach(x -> failed.add(x.id(), x.errorCode(), x.message()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw interrupted(e);
                }
                for (String id : gone) {
                    if (!archivedIds.contains(id)) {
                        kept.put(id, before.get(id));
                    } else if (FindingId.isEarlierRule(id)) {
                        archivedEarlierRule++;
                    }
                }
                if (archivedEarlierRule > 0) {
                    log.info("Archived %d finding(s) imported under the finding identity of earlier versions "
                            + "(their IDs included the image tag). This happens once, on the first import after "
                            + "the upgrade; the same issues are now imported under IDs that stay the same from "
                            + "tag to tag.", archivedEarlierRule);
                }
            } else {
                gone.forEach(id -> kept.put(id, before.get(id)));
            }
            try {
                store.save(new ImportState(repository, productArn, now.toString(), kept));
            } catch (StageException e) {
                // The import and the gate are done: a state that cannot be kept costs the next import a read-back
                // from Security Hub, never this verdict.
                log.warn("%s", e.describe());
            }
        }

        TrivyScanResult result = new TrivyScanResult(repository, report.severityCounts(), total[0], imported,
                List.copyOf(failed.listed), archived, gating.isEmpty(),
                gating.stream().map(Gating::id).toList(),
                gating.stream().map(Gating::issue).distinct().toList(), gate.markUnstable(),
                consoleUrl(region), request.dryRun(), aws.calls().totalAttempts(), importCalls,
                report.census().passedChecks(), archivedEarlierRule, earlierSource);
        report(report, result, gating, failed.count);
        return result;
    }

    /** Says once what in the report was normalised or left out. */
    private void describe(TrivyReport report) {
        TrivyReport.Census c = report.census();
        c.severityNotes().forEach((kind, note) -> {
            String as = kind.equals("not upper case") ? "read in upper case" : "counted as UNKNOWN";
            log.warn("%d finding(s) with a severity that is %s%s, first at %s: %s.", note.count(), kind,
                    note.example().isEmpty() ? "" : " ('" + note.example() + "')", note.firstAt(), as);
        });
        long noTarget = report.results().stream().filter(r -> r.target().isBlank()).count();
        if (noTarget > 0) {
            log.info("%d result(s) have no Target; their findings are placed by class and type, such as %s.",
                    noTarget, report.results().stream().filter(r -> r.target().isBlank()).findFirst()
                            .map(TrivyReport.Result::location).orElse(""));
        }
        if (c.passedChecks() > 0) {
            log.info("%d misconfiguration check(s) passed (Status PASS or EXCEPTION): counted, not imported.",
                    c.passedChecks());
        }
        if (c.licenses() > 0) {
            log.info("%d license finding(s) are not imported: Security Hub findings here are vulnerabilities, "
                    + "misconfigurations and secrets.", c.licenses());
        }
        if (c.unidentified() > 0) {
            log.warn("%d finding(s) have no VulnerabilityID, ID or RuleID and cannot be imported.", c.unidentified());
        }
    }

    /**
     * This project's ACTIVE findings for the repository, as much as archiving needs, page by page within
     * GetFindings' rate (filtered here as well as by Security Hub).
     */
    private Map<String, ImportState.Entry> readBack(String repository, String productArn) {
        GetFindingsRequest get = GetFindingsRequest.builder().maxResults(100).filters(AwsSecurityFindingFilters
                .builder()
                .productFields(MapFilter.builder().key(AsffMapper.REPOSITORY_FIELD).value(repository)
                        .comparison(MapFilterComparison.EQUALS).build())
                .productArn(StringFilter.builder().value(productArn).comparison(StringFilterComparison.EQUALS).build())
                .recordState(StringFilter.builder().value("ACTIVE").comparison(StringFilterComparison.EQUALS).build())
                .build()).build();
        RateLimiter limiter = RateLimiter.securityHubReads(clock, sleeper);
        Map<String, ImportState.Entry> out = new LinkedHashMap<>();
        String token = null;
        do {
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(e);
            }
            GetFindingsRequest page = get.toBuilder().nextToken(token).build();
            GetFindingsResponse r = aws.call("securityhub:GetFindings",
                    () -> aws.client(SecurityHubClient::builder).getFindings(page));
            for (AwsSecurityFinding f : r.findings()) {
                if (repository.equals(f.productFields().get(AsffMapper.REPOSITORY_FIELD))
                        && productArn.equals(f.productArn()) && f.recordState() != RecordState.ARCHIVED
                        && f.generatorId() != null && f.generatorId().startsWith("trivy")) {
                    String severity = f.severity() == null ? "UNKNOWN" : f.severity().original() != null
                            ? f.severity().original() : String.valueOf(f.severity().labelAsString());
                    out.put(f.id(), AsffMapper.entry(f, severity));
                }
            }
            token = r.nextToken();
        } while (token != null && !token.isEmpty());
        return out;
    }

    private void report(TrivyReport report, TrivyScanResult r, List<Gating> gating, int failedCount) {
        log.info("Trivy findings for %s (%s):", r.repository(), report.fileName());
        log.info("  %-10s %8s", "SEVERITY", "COUNT");
        r.severityCounts().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(TrivyReportReader.SEVERITIES::indexOf)))
                .forEach(e -> log.info("  %-10s %8d", e.getKey(), e.getValue()));
        if (r.dryRun()) {
            log.info("Dry run: nothing was imported.");
        } else {
            log.info("Imported %d of %d finding(s) into Security Hub; %d archived; %d not imported.", r.imported(),
                    r.total(), r.archived(), failedCount);
            r.failed().stream().limit(GATE_LINES).forEach(f -> log.info("  not imported: %s %s %s", f.get("id"),
                    f.get("errorCode"), f.get("message")));
            if (failedCount > GATE_LINES) {
                log.info("  ... and %d more not imported", failedCount - GATE_LINES);
            }
        }
        if (gating.isEmpty()) {
            log.info("Gate passed: no finding of severity %s.", request.gate().failOn());
        } else {
            log.info("Gate failed: %d finding(s) of severity %s:", gating.size(), request.gate().failOn());
            gating.stream().limit(GATE_LINES).forEach(f -> log.info("  %s %s", f.severity(),
                    f.title().startsWith(f.issue()) ? f.title() : f.issue() + " " + f.title()));
            if (gating.size() > GATE_LINES) {
                log.info("  ... and %d more", gating.size() - GATE_LINES);
            }
        }
    }

    private String consoleUrl(String region) {
        Partition p = Partition.forRegion(region);
        String host = p == Partition.AWS ? region + "." + p.consoleHost() : p.consoleHost();
        return "https://" + host + "/securityhub/home?region=" + region + "#/findings";
    }

    private static StageException interrupted(InterruptedException e) {
        return new StageException(StageException.Kind.AWS, "Interrupted while importing findings.", "", e);
    }

    /** Severity names in the order they are shown. */
    public static String severities() {
        return TrivyReportReader.SEVERITIES.stream().collect(Collectors.joining(", "));
    }
}
