package io.jenkins.plugins.awsdelivery.core.trivy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of report Trivy writes is read; only what is not a Trivy report is refused, by name. */
class TrivyReportReaderTest {

    @TempDir
    Path dir;

    private TrivyReport parse(String json) throws Exception {
        return TrivyReportReader.read(Files.writeString(dir.resolve("trivy.json"), json));
    }

    private static List<TrivyReport.Finding> findings(String resource) {
        Path file = ReportMapping.resource(resource);
        TrivyReport report = TrivyReportReader.read(file);
        List<TrivyReport.Finding> out = new ArrayList<>();
        TrivyReportReader.forEachFinding(report, file, (r, f) -> out.add(f));
        return out;
    }

    @Test
    void readsEveryResultClassOfAnAlpineImage() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("web-ecr.json"));

        assertThat(r.artifactName()).isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:1.4.2");
        assertThat(r.osFamily()).isEqualTo("alpine");
        assertThat(r.results()).hasSize(4);
        assertThat(r.findingCount()).isEqualTo(7);
        assertThat(r.severityCounts()).containsEntry("CRITICAL", 2L).containsEntry("HIGH", 3L)
                .containsEntry("MEDIUM", 1L).containsEntry("UNKNOWN", 1L).containsEntry("LOW", 0L);
        List<TrivyReport.Finding> all = findings("web-ecr.json");
        assertThat(all).filteredOn(f -> f instanceof TrivyReport.Secret).singleElement()
                .satisfies(s -> assertThat(s.toString()).doesNotContain("wJalrXUtnFEMI"));
        TrivyReport.Vulnerability spring = (TrivyReport.Vulnerability) all.stream()
                .filter(f -> f.issue().equals("CVE-2022-22965")).findFirst().orElseThrow();
        assertThat(spring.cvss()).extracting(TrivyReport.Cvss::source).contains("ghsa", "nvd");
    }

    @Test
    void readsDebianAndPythonPackagesWithVendorIds() {
        List<TrivyReport.Finding> all = findings("kinds/debian-python.json");

        assertThat(all).extracting(TrivyReport.Finding::issue)
                .containsExactly("CVE-2023-4911", "CVE-2011-3374", "CVE-2023-32681");
        assertThat(all.get(0).aliases()).containsExactly("CVE-2023-4911", "DSA-5514-1");
        TrivyReport.Vulnerability requests = (TrivyReport.Vulnerability) all.get(2);
        assertThat(requests.pkgPath()).endsWith("requests-2.25.0.dist-info/METADATA");
        assertThat(requests.purl()).isEqualTo("pkg:pypi/requests@2.25.0");
    }

    @Test
    void resultWithoutTargetIsReadAndPlacedByItsClass() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("kinds/ubi-custom.json"));

        assertThat(r.osFamily()).isEqualTo("redhat");
        assertThat(r.results()).extracting(TrivyReport.Result::location)
                .containsExactly("quay.io/acme/billing:9.3-42 (redhat 9.3)", "Java", "(custom)");
        assertThat(r.findingCount()).isEqualTo(2);
    }

    @Test
    void readsLockFilesOfAFilesystemScan() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("kinds/fs-lockfiles.json"));

        assertThat(r.artifactType()).isEqualTo("filesystem");
        assertThat(r.results()).extracting(TrivyReport.Result::type).containsExactly("npm", "gomod", "pom");
        assertThat(findings("kinds/fs-lockfiles.json")).extracting(TrivyReport.Finding::issue)
                .containsExactly("CVE-2021-23337", "CVE-2023-39325");
    }

    @Test
    void passedAndExceptedChecksAreCountedNotReturned() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("kinds/repo-config-secrets.json"));

        assertThat(r.census().passedChecks()).isEqualTo(2);
        assertThat(r.census().misconfigurations()).isEqualTo(2);
        assertThat(r.census().secrets()).isEqualTo(1);
        assertThat(findings("kinds/repo-config-secrets.json")).extracting(TrivyReport.Finding::issue)
                .containsExactly("AVD-AWS-0086", "DS002", "github-pat");
        assertThat(findings("kinds/repo-config-secrets.json").get(1).aliases()).containsExactly("DS002", "AVD-DS-0002");
    }

    @Test
    void licensesAreCountedAndNotImported() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("kinds/licenses.json"));

        assertThat(r.census().licenses()).isEqualTo(2);
        assertThat(r.findingCount()).isZero();
    }

    @Test
    void missingEmptyLowercaseAndUnknownSeveritiesAreNormalisedAndCountedByKind() {
        TrivyReport r = TrivyReportReader.read(ReportMapping.resource("kinds/severity-quirks.json"));

        assertThat(r.severityCounts()).containsEntry("UNKNOWN", 3L).containsEntry("HIGH", 1L)
                .containsEntry("CRITICAL", 2L);
        assertThat(r.census().severityNotes()).containsOnlyKeys("missing", "empty", "not upper case", "unknown");
        assertThat(r.census().severityNotes().get("not upper case").count()).isEqualTo(2);
        assertThat(r.census().severityNotes().get("unknown").example()).isEqualTo("SEVERE");
        assertThat(r.census().severityNotes().get("missing").firstAt())
                .isEqualTo("line 12, column 9 ($.Results[0].Vulnerabilities[0])");
        assertThat(findings("kinds/severity-quirks.json")).extracting(TrivyReport.Finding::severity)
                .containsExactly("UNKNOWN", "UNKNOWN", "HIGH", "UNKNOWN", "CRITICAL", "CRITICAL");
    }

    @Test
    void kubernetesReportIsRefusedByName() {
        assertThatThrownBy(() -> TrivyReportReader.read(ReportMapping.resource("kinds/k8s-summary.json")))
                .isInstanceOf(StageException.class)
                .hasMessageEndingWith("k8s-summary.json is a Trivy Kubernetes report (trivy k8s), not a Trivy JSON "
                        + "report of one artifact. Nothing was imported.");
    }

    @Test
    void sbomsAreRefusedByName() {
        assertThatThrownBy(() -> TrivyReportReader.read(ReportMapping.resource("kinds/cyclonedx.json")))
                .hasMessageContaining("is a CycloneDX SBOM, not a Trivy JSON report");
        assertThatThrownBy(() -> TrivyReportReader.read(ReportMapping.resource("kinds/spdx.json")))
                .hasMessageContaining("is an SPDX SBOM, not a Trivy JSON report")
                .satisfies(e -> assertThat(((StageException) e).describe())
                        .contains("not --format cyclonedx or spdx-json"));
    }

    @Test
    void missingSchemaVersionSaysSo() {
        assertThatThrownBy(() -> parse("{\"ArtifactName\": \"x\", \"Results\": []}"))
                .hasMessage("Trivy report " + dir.resolve("trivy.json") + " has no SchemaVersion: it is not a Trivy "
                        + "JSON report. Nothing was imported.");
    }

    @Test
    void truncatedFileFailsWithItsPosition() {
        assertThatThrownBy(() -> parse("{\n  \"SchemaVersion\": 2,\n  \"Results\": [ {\"Target\": \"x\""))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("is not valid JSON at line 3, column")
                .hasMessageEndingWith("Nothing was imported.");
    }

    @Test
    void unknownSchemaVersionIsRefused() {
        assertThatThrownBy(() -> parse("{\n  \"SchemaVersion\": 3,\n  \"Results\": []\n}"))
                .hasMessageEndingWith("is not a valid Trivy report at line 2, column 20 "
                        + "($.SchemaVersion): expected SchemaVersion 2 (trivy --format json, Trivy 0.20 or later), "
                        + "found 3. Nothing was imported.");
    }

    @Test
    void wrongTypesAreNamed() {
        assertThatThrownBy(() -> parse("{\"SchemaVersion\": 2, \"Results\": {}}"))
                .hasMessageContaining("($.Results): expected an array, found object");
        assertThatThrownBy(() -> parse("{\"SchemaVersion\": 2, \"Results\": [{\"Vulnerabilities\": [1]}]}"))
                .hasMessageContaining("($.Results[0].Vulnerabilities[0]): expected an object, found number");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("found an empty file");
    }

    @Test
    void missingFileSaysHowToMakeOne() {
        assertThatThrownBy(() -> TrivyReportReader.read(Path.of("target/no-such-report.json")))
                .hasMessage("Trivy report target/no-such-report.json does not exist.");
    }

    @Test
    void reportWithoutFindingsOrWithoutResultsIsValid() throws Exception {
        assertThat(parse("{\"SchemaVersion\": 2, \"ArtifactName\": \"alpine:3.20\", \"Results\": "
                + "[{\"Target\": \"alpine:3.20 (alpine 3.20.0)\", \"Class\": \"os-pkgs\"}]}").findingCount()).isZero();
        assertThat(parse("{\"SchemaVersion\": 2, \"ArtifactName\": \"alpine:3.20\"}").findingCount()).isZero();
    }
}
