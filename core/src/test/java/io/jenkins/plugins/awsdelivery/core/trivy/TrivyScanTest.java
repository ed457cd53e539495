package io.jenkins.plugins.awsdelivery.core.trivy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrivyScanTest {

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:7";

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final List<String> log = new ArrayList<>();
    private FakeSecurityHub hub;
    private AwsClientFactory aws;

    @BeforeEach
    void start() {
        hub = new FakeSecurityHub(clock::instant);
        aws = new AwsClientFactory(hub.server().settings("eu-west-1"));
    }

    @AfterEach
    void stop() {
        aws.close();
        hub.close();
    }

    private TrivyScanResult scan(TrivyScanRequest request) {
        return new TrivyScan(request, aws, TrivyRunner.fromEnvironment(dir), clock, clock::advance,
                StageLog.to(log::add)).run();
    }

    private TrivyScanRequest report(TrivyReports r, String name) {
        Path file = r.writeTo(dir.resolve(name));
        return new TrivyScanRequest(file, null, null, "123456789012", null, null, null, true, false, null);
    }

    @Test
    void importsInBatchesOfAHundredWithinTheRateLimit() {
        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("debian 12", 250), "r.json"));

        assertThat(r.imported()).isEqualTo(250);
        assertThat(r.failed()).isEmpty();
        assertThat(hub.server().count("BatchImportFindings")).isEqualTo(3);
        assertThat(hub.server().requests("BatchImportFindings")).allSatisfy(req ->
                assertThat(req.json().path("Findings").size()).isLessThanOrEqualTo(100));
        assertThat(hub.throttled()).isZero();
        assertThat(hub.findings()).hasSize(250);
    }

    @Test
    void tenThousandFindingsTakeAtMostAHundredImportCallsAndNeverExceedTheRate() {
        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("debian 12", 10_000), "big.json"));

        assertThat(r.imported()).isEqualTo(10_000);
        assertThat(hub.server().count("BatchImportFindings")).isEqualTo(100);
        assertThat(hub.throttled()).as("the client-side limiter keeps within 10/s, bursts of 30").isZero();
    }

    @Test
    void transientFailuresAreRetriedAndPermanentOnesListed() {
        TrivyReports report = TrivyReports.image(IMAGE).vulnerabilities("debian 12", 20);
        TrivyScanResult first = scan(report(report, "r.json").withDryRun(dir.resolve("ids.json")));
        List<String> ids = new ArrayList<>();
        readAsff(dir.resolve("ids.json")).path("Findings").forEach(f -> ids.add(f.path("Id").asText()));
        hub.failTransiently(ids.get(3), 2).refuse(id -> id.equals(ids.get(7)) || id.equals(ids.get(8)));

        TrivyScanResult r = scan(report(report, "r.json"));

        assertThat(r.imported()).isEqualTo(18);
        assertThat(r.failed()).extracting(f -> f.get("id")).containsExactlyInAnyOrder(ids.get(7), ids.get(8));
        assertThat(r.failed()).allSatisfy(f -> assertThat(f).containsEntry("errorCode", "InvalidInput"));
        assertThat(hub.finding(ids.get(3))).as("retried until it got in").isNotNull();
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("  not imported: " + ids.get(7)));
    }

    @Test
    void throttlingBeyondTheSdkRetriesBacksOffAndImportsEverything() {
        hub.server().failNext("BatchImportFindings", 5, new FakeError(429, "TooManyRequestsException",
                "Rate exceeded"));

        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("debian 12", 30), "r.json"));

        assertThat(r.imported()).isEqualTo(30);
        assertThat(r.failed()).isEmpty();
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("Security Hub asked to slow down"));
    }

    @Test
    void fixedVulnerabilitiesAreArchivedAndFirstObservedAtIsKept() {
        scan(report(TrivyReports.image(IMAGE).vulnerability("a.jar", "CVE-1", "lib-a", "HIGH", "2", null)
                .vulnerability("b.jar", "CVE-2", "lib-b", "HIGH", "2", null), "v1.json"));
        String firstSeen = hub.findings().get(0).path("FirstObservedAt").asText();
        clock.advance(java.time.Duration.ofDays(1));

        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE.replace(":7", ":8"))
                .vulnerability("a.jar", "CVE-1", "lib-a", "HIGH", "2", null), "v2.json"));

        assertThat(r.archived()).isEqualTo(1);
        JsonNode cve2 = hub.findings().stream().filter(f -> f.path("Title").asText().startsWith("CVE-2")).findFirst()
                .orElseThrow();
        JsonNode cve1 = hub.findings().stream().filter(f -> f.path("Title").asText().startsWith("CVE-1")).findFirst()
                .orElseThrow();
        assertThat(cve2.path("RecordState").asText()).isEqualTo("ARCHIVED");
        assertThat(cve1.path("RecordState").asText()).isEqualTo("ACTIVE");
        assertThat(cve1.path("FirstObservedAt").asText()).isEqualTo(firstSeen);
        assertThat(cve1.path("UpdatedAt").asText()).isEqualTo("2026-11-25T10:00:00Z");
    }

    @Test
    void archivingCanBeTurnedOff() {
        scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 3), "v1.json"));

        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 1), "v2.json")
                .withArchive(false));

        assertThat(r.archived()).isZero();
        assertThat(hub.findings()).allSatisfy(f -> assertThat(f.path("RecordState").asText()).isEqualTo("ACTIVE"));
    }

    @Test
    void malformedReportImportsNothing() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"SchemaVersion\": 2, \"Results\": [");

        assertThatThrownBy(() -> scan(new TrivyScanRequest(bad, null, null, "123456789012", null, null, null, true,
                false, null))).isInstanceOf(StageException.class).hasMessageContaining("Nothing was imported.");
        assertThat(hub.server().requests()).isEmpty();
    }

    @Test
    void dryRunWritesAsffAndCallsNoApi() throws Exception {
        Path out = dir.resolve("out/asff.json");
        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 5)
                .secret("/app/.env", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY=abcdSECRETabcd"), "r.json")
                .withDryRun(out));

        assertThat(hub.server().requests()).isEmpty();
        assertThat(r.dryRun()).isTrue();
        JsonNode asff = readAsff(out);
        assertThat(asff.path("Findings")).hasSize(6);
        assertThat(Files.readString(out)).doesNotContain("abcdSECRETabcd");
        for (JsonNode f : asff.path("Findings")) {
            for (String field : List.of("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
                    "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources")) {
                assertThat(f.has(field)).as(field).isTrue();
            }
        }
    }

    @Test
    void gateFailsOnCriticalUnlessIgnoredOrUnfixed() throws Exception {
        TrivyReports report = TrivyReports.image(IMAGE)
                .vulnerability("a.jar", "CVE-FIXABLE", "lib-a", "CRITICAL", "2.0", null)
                .vulnerability("b.jar", "CVE-UNFIXED", "lib-b", "CRITICAL", null, null)
                .vulnerability("c.jar", "CVE-HIGH", "lib-c", "HIGH", "2.0", null);
        TrivyScanRequest base = report(report, "r.json");

        TrivyScanResult plain = scan(base);
        TrivyScanResult unfixed = scan(base.withGate(new SeverityGate(Set.of("CRITICAL"), true, Set.of(), false)));
        TrivyScanResult ignored = scan(base.withGate(new SeverityGate(Set.of("critical"), true,
                Set.of("CVE-FIXABLE"), false)));
        TrivyScanResult high = scan(base.withGate(new SeverityGate(Set.of("HIGH"), false, Set.of(), true)));

        assertThat(plain.gatePassed()).isFalse();
        assertThat(plain.gatingIssues()).containsExactly("CVE-FIXABLE", "CVE-UNFIXED");
        assertThat(unfixed.gatingIssues()).containsExactly("CVE-FIXABLE");
        assertThat(ignored.gatePassed()).isTrue();
        assertThat(high.gatingIssues()).containsExactly("CVE-HIGH");
        assertThat(high.markUnstable()).isTrue();
        assertThat(plain.imported()).as("the gate does not narrow the import").isEqualTo(3);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("Gate failed: 2 finding(s) of severity [CRITICAL]"));
    }

    @Test
    void aCriticalFindingTooLargeForSecurityHubStillFailsTheGate() {
        TrivyReports report = TrivyReports.image(IMAGE)
                .vulnerability("a.jar", "CVE-HUGE", "p".repeat(300_000), "CRITICAL", "2.0", null)
                .vulnerability("b.jar", "CVE-HIGH", "lib-b", "HIGH", "2.0", null);

        TrivyScanResult r = scan(report(report, "huge.json"));

        assertThat(r.imported()).isEqualTo(1);
        assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f.toString()).contains("InvalidFinding"));
        assertThat(r.gatePassed()).isFalse();
        assertThat(r.gatingIssues()).containsExactly("CVE-HUGE");
    }

    @Test
    void aStateThatCannotBeKeptIsAWarningAndKeepsTheVerdict() {
        TrivyReports report = TrivyReports.image(IMAGE)
                .vulnerability("a.jar", "CVE-FIXABLE", "lib-a", "CRITICAL", "2.0", null);
        ImportStateStore unwritable = new ImportStateStore() {
            @Override
            public java.util.Optional<Earlier> load(String productArn, String repository) {
                return java.util.Optional.empty();
            }

            @Override
            public void save(ImportState state) {
                throw StageException.invalidInput("The state file /ro/state.json cannot be written: read-only.",
                        "Check --state-file's directory and permissions.");
            }
        };

        TrivyScanResult r = scan(report(report, "r.json"), unwritable);

        assertThat(r.imported()).isEqualTo(1);
        assertThat(r.gatePassed()).isFalse();
        assertThat(r.gatingIssues()).containsExactly("CVE-FIXABLE");
        assertThat(log).anySatisfy(l -> assertThat(l).contains("/ro/state.json cannot be written"));
    }

    @Test
    void blankFailOnEntriesMeanTheDefaultNotANeverFailingGate() {
        TrivyReports report = TrivyReports.image(IMAGE)
                .vulnerability("a.jar", "CVE-FIXABLE", "lib-a", "CRITICAL", "2.0", null);

        TrivyScanResult r = scan(report(report, "r.json").withGate(new SeverityGate(Set.of(" ", ""), false, Set.of(),
                false)));

        assertThat(r.gatePassed()).isFalse();
        assertThat(r.gatingIssues()).containsExactly("CVE-FIXABLE");
    }

    @Test
    void importSeveritiesNarrowTheImportButNotTheGate() {
        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE)
                .vulnerability("a.jar", "CVE-C", "a", "CRITICAL", "2", null)
                .vulnerability("b.jar", "CVE-L", "b", "LOW", "2", null), "r.json")
                .withImportSeverities(Set.of("CRITICAL", "HIGH")));

        assertThat(r.imported()).isEqualTo(1);
        assertThat(r.total()).isEqualTo(2);
        assertThat(r.gatingIssues()).containsExactly("CVE-C");
    }

    @Test
    void trivyignoreFileHonoursExpiry() throws Exception {
        Path ignore = Files.writeString(dir.resolve(".trivyignore"), """
                # accepted until the base image moves
                CVE-2026-10000
                CVE-2026-10005 exp:2026-01-01
                CVE-2026-10010 exp:2027-06-30
                """);

        assertThat(SeverityGate.readIgnoreFile(ignore, LocalDate.of(2026, 11, 24)))
                .containsExactlyInAnyOrder("CVE-2026-10000", "CVE-2026-10010");
    }

    @Test
    void neitherReportNorImageIsAClearError() {
        assertThatThrownBy(() -> new TrivyScanRequest(null, " ", null, null, null, null, null, true, false, null))
                .hasMessage("Neither reportFile nor image was given.");
        assertThatThrownBy(() -> new SeverityGate(Set.of("SEVERE"), false, null, false))
                .hasMessage("'SEVERE' in failOn is not a Trivy severity.");
    }

    @Test
    void imageWithoutTrivyOnThePathSaysSo() {
        TrivyScanRequest request = new TrivyScanRequest(null, IMAGE, null, "123456789012", null, null, null, true,
                false, null);

        assertThatThrownBy(() -> new TrivyScan(request, aws, new TrivyRunner("/nonexistent", dir), clock,
                clock::advance, StageLog.silent()).run())
                .hasMessage("No trivy executable was found on the PATH to scan the image.");
    }

    @Test
    void imageIsScannedWithTheTrivyOnThePath() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path report = TrivyReports.image(IMAGE).vulnerabilities("os", 2).writeTo(dir.resolve("canned.json"));
        Path trivy = Files.writeString(bin.resolve("trivy"), "#!/bin/sh\n"
                + "echo \"$@\" > " + dir.resolve("args.txt") + "\n"
                + "while [ \"$1\" != \"--output\" ]; do shift; done\ncp " + report + " \"$2\"\n");
        trivy.toFile().setExecutable(true);
        TrivyScanRequest request = new TrivyScanRequest(null, IMAGE, List.of("--ignore-unfixed"), "123456789012",
                null, null, null, true, false, null);

        TrivyScanResult r = new TrivyScan(request, aws, new TrivyRunner(bin.toString(), dir), clock, clock::advance,
                StageLog.silent()).run();

        assertThat(r.imported()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("args.txt")).trim()).startsWith("image --format json --output ")
                .endsWith("--ignore-unfixed " + IMAGE);
    }

    private Path fixture(String name) throws Exception {
        return Files.copy(ReportMapping.resource(name), dir.resolve(Path.of(name).getFileName()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private TrivyScanRequest request(Path file) {
        return new TrivyScanRequest(file, null, null, "123456789012", null, null, null, true, false, null);
    }

    private TrivyScanResult scan(TrivyScanRequest request, ImportStateStore store) {
        return new TrivyScan(request, aws, TrivyRunner.fromEnvironment(dir), clock, clock::advance,
                StageLog.to(log::add)).withStateStore(store).run();
    }

    private Set<String> hubIds(String state) {
        Set<String> ids = new java.util.TreeSet<>();
        hub.findings().stream().filter(f -> f.path("RecordState").asText().equals(state))
                .forEach(f -> ids.add(f.path("Id").asText()));
        return ids;
    }

    @Test
    void changingTheImageTagEverywhereKeepsEveryIdAndArchivesNothing() throws Exception {
        Path v1 = fixture("web-ecr.json");
        Path v2 = Files.writeString(dir.resolve("web-ecr-v2.json"), Files.readString(v1).replace("1.4.2", "1.5.0"));
        TrivyScanResult first = scan(request(v1));
        Set<String> idsBefore = hubIds("ACTIVE");
        clock.advance(java.time.Duration.ofHours(1));

        TrivyScanResult second = scan(request(v2));

        assertThat(first.imported()).isEqualTo(7);
        assertThat(second.imported()).isEqualTo(7);
        assertThat(second.archived()).isZero();
        assertThat(hubIds("ACTIVE")).isEqualTo(idsBefore).hasSize(7);
        assertThat(hubIds("ARCHIVED")).isEmpty();
        assertThat(hub.findings()).allSatisfy(f -> assertThat(f.path("Id").asText()).startsWith("trivy/v2/"));
    }

    @Test
    void aNewVersionOfTheSamePackageWithTheSameCveIsTheSameFindingUpdated() throws Exception {
        Path v1 = fixture("kinds/debian-python.json");
        Path v2 = Files.writeString(dir.resolve("v2.json"), Files.readString(v1)
                .replace("2.36-9+deb12u1", "2.36-9+deb12u2").replace("2.0.1", "2.0.2"));
        scan(request(v1));

        TrivyScanResult second = scan(request(v2));

        assertThat(second.archived()).isZero();
        assertThat(hub.findings()).filteredOn(f -> f.path("Title").asText().startsWith("CVE-2023-4911"))
                .singleElement().satisfies(f -> assertThat(f.path("Title").asText()).contains("2.36-9+deb12u2"));
    }

    @Test
    void aResultWithoutTargetDoesNotRejectTheReport() throws Exception {
        TrivyScanResult r = scan(request(fixture("kinds/ubi-custom.json")));

        assertThat(r.imported()).isEqualTo(2);
        assertThat(r.gatingIssues()).containsExactly("CVE-2022-42889");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("1 result(s) have no Target"));
    }

    @Test
    void passedAndExceptedChecksAreCountedNeverImportedAndNeverGate() throws Exception {
        TrivyScanResult r = scan(request(fixture("kinds/repo-config-secrets.json"))
                .withGate(new SeverityGate(Set.of("HIGH"), false, Set.of("AVD-AWS-0086"), false)));

        assertThat(r.imported()).isEqualTo(3);
        assertThat(r.passedChecks()).isEqualTo(2);
        assertThat(r.toMap()).containsEntry("passedChecks", 2L);
        assertThat(r.gatingIssues()).as("AVD-AWS-0088 passed: it does not gate").containsExactly("DS002");
        assertThat(hub.findings()).noneSatisfy(f -> assertThat(f.path("Title").asText()).contains("0088"));
    }

    @Test
    void unusualSeveritiesAreImportedAndEachKindIsWarnedOnce() throws Exception {
        TrivyScanResult r = scan(request(fixture("kinds/severity-quirks.json")));

        assertThat(r.imported()).isEqualTo(6);
        assertThat(r.severityCounts()).containsEntry("UNKNOWN", 3L).containsEntry("CRITICAL", 2L);
        assertThat(log.stream().filter(l -> l.contains("with a severity that is"))).hasSize(4);
        assertThat(log).anySatisfy(l -> assertThat(l)
                .contains("1 finding(s) with a severity that is unknown ('SEVERE'), first at line"));
    }

    @Test
    void ignoreIdsMatchAvdIdsAndVendorIds() throws Exception {
        TrivyScanResult config = scan(request(fixture("kinds/repo-config-secrets.json"))
                .withGate(new SeverityGate(Set.of("HIGH"), false, Set.of("AVD-DS-0002", "AVD-AWS-0086"), false)));
        TrivyScanResult os = scan(request(fixture("kinds/debian-python.json"))
                .withGate(new SeverityGate(Set.of("HIGH"), false, Set.of("DSA-5514-1"), false)));

        assertThat(config.gatePassed()).isTrue();
        assertThat(os.gatePassed()).isTrue();
    }

    @Test
    void gateLinesNameTheIssueOnce() throws Exception {
        scan(request(fixture("web-ecr.json")));

        assertThat(log).contains("  CRITICAL CVE-2022-22965 in org.springframework:spring-beans 5.3.17: "
                + "spring-framework: RCE via Data Binding on JDK 9+");
        assertThat(log).noneSatisfy(l -> assertThat(l).contains("CVE-2022-22965 CVE-2022-22965"));
    }

    @Test
    void missingIgnoreFileIsOneClearSentence() {
        assertThatThrownBy(() -> SeverityGate.readIgnoreFile(dir.resolve("nonexistent"), LocalDate.now()))
                .isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).describe()).isEqualTo("The ignore file "
                        + dir.resolve("nonexistent") + " does not exist. Check ignoreFile, or give ignoreIds as a list."));
    }

    @Test
    void reimportWithKnownStateArchivesTheFixedInAtMost102Calls() {
        ImportStateFile state = new ImportStateFile(dir.resolve("state.json.gz"));
        scan(report(TrivyReports.image(IMAGE).vulnerabilities("IMAGE (debian 12.5)", 10_000), "v1.json"), state);
        long before = hub.server().requests().size();
        clock.advance(java.time.Duration.ofMinutes(10));

        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE.replace(":7", ":8")).vulnerabilities(
                "IMAGE (debian 12.5)", 9_995), "v2.json"), state);

        long calls = hub.server().requests().size() - before;
        assertThat(r.archived()).isEqualTo(5);
        assertThat(r.imported()).isEqualTo(9_995);
        assertThat(calls).as("100 imports, 1 archive, no GetFindings").isLessThanOrEqualTo(102);
        assertThat(hub.server().count("GetFindings")).as("only the first import, which had no state, reads back")
                .isEqualTo(1);
        assertThat(hubIds("ARCHIVED")).hasSize(5);
        assertThat(r.earlierState()).startsWith("state file ");
    }

    @Test
    void reconcileReadsBackFromSecurityHubEvenWithState() {
        ImportStateFile state = new ImportStateFile(dir.resolve("state.json"));
        scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 3), "v1.json"), state);
        long reads = hub.server().count("GetFindings");

        TrivyScanResult r = scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 2), "v2.json")
                .withReconcile(true), state);

        assertThat(hub.server().count("GetFindings")).isEqualTo(reads + 1);
        assertThat(r.earlierState()).isEqualTo("Security Hub");
        assertThat(r.archived()).isEqualTo(1);
    }

    @Test
    void firstImportAfterTheUpgradeArchivesFindingsOfTheEarlierIdentityOnceAndSaysSo() throws Exception {
        // What an earlier version imported: the tag was part of the ID.
        TrivyReports old = TrivyReports.image(IMAGE).vulnerabilities(IMAGE + " (debian 12.5)", 3);
        scan(report(old, "v0.json").withDryRun(dir.resolve("old.json")));
        var client = aws.client(software.amazon.awssdk.services.securityhub.SecurityHubClient::builder);
        List<software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding> earlier = new ArrayList<>();
        readAsff(dir.resolve("old.json")).path("Findings").forEach(f -> earlier.add(
                software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding.builder()
                        .schemaVersion("2018-10-08").id(f.path("Id").asText().replace("trivy/v2/", "trivy/"))
                        .productArn(f.path("ProductArn").asText()).generatorId(f.path("GeneratorId").asText())
                        .awsAccountId("123456789012").types(f.path("Types").get(0).asText())
                        .createdAt("2026-10-01T00:00:00Z").updatedAt("2026-10-01T00:00:00Z")
                        .severity(s -> s.label(f.path("Severity").path("Label").asText())
                                .original(f.path("Severity").path("Original").asText()))
                        .title(f.path("Title").asText()).description(f.path("Description").asText())
                        .resources(r -> r.type("Container").id(IMAGE))
                        .productFields(java.util.Map.of(AsffMapper.REPOSITORY_FIELD,
                                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web")).build()));
        client.batchImportFindings(b -> b.findings(earlier));
        ImportStateFile state = new ImportStateFile(dir.resolve("state.json"));

        TrivyScanResult first = scan(report(old, "v1.json"), state);
        TrivyScanResult second = scan(report(old, "v1.json"), state);

        assertThat(first.archived()).isEqualTo(3);
        assertThat(first.archivedEarlierRule()).isEqualTo(3);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("Archived 3 finding(s) imported under the finding "
                + "identity of earlier versions"));
        assertThat(second.archived()).isZero();
        assertThat(hubIds("ARCHIVED")).allSatisfy(id -> assertThat(id).doesNotStartWith("trivy/v2/")).hasSize(3);
        assertThat(hubIds("ACTIVE")).allSatisfy(id -> assertThat(id).startsWith("trivy/v2/")).hasSize(3);
    }

    @Test
    void aFailedArchiveIsKeptInTheStateAndTriedAgain() {
        ImportStateFile state = new ImportStateFile(dir.resolve("state.json"));
        scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 3), "v1.json"), state);
        hub.server().failNext("BatchImportFindings", 2, FakeError.accessDenied("securityhub:BatchImportFindings"));

        TrivyScanResult refused = scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 2), "v2.json"), state);
        TrivyScanResult again = scan(report(TrivyReports.image(IMAGE).vulnerabilities("os", 2), "v2.json"), state);

        assertThat(refused.archived()).isZero();
        assertThat(refused.failed()).isNotEmpty();
        assertThat(again.archived()).isEqualTo(1);
        assertThat(hubIds("ARCHIVED")).hasSize(1);
    }

    private static JsonNode readAsff(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
