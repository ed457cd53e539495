package io.jenkins.plugins.awsdelivery.core.trivy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrivyReportParserTest {

    private static TrivyReport parse(String json) {
        return TrivyReportParser.parse("trivy.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryResultClassOfARealReport() throws Exception {
        TrivyReport r = TrivyReportParser.parse(Path.of(getClass().getResource("/trivy/web-ecr.json").toURI()));

        assertThat(r.artifactName()).isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:1.4.2");
        assertThat(r.results()).hasSize(4);
        assertThat(r.findingCount()).isEqualTo(7);
        assertThat(r.severityCounts()).containsEntry("CRITICAL", 2L).containsEntry("HIGH", 3L)
                .containsEntry("MEDIUM", 1L).containsEntry("UNKNOWN", 1L).containsEntry("LOW", 0L);
        var spring = r.results().get(1).vulnerabilities().get(0);
        assertThat(spring.cvss()).extracting(TrivyReport.Cvss::source).contains("ghsa", "nvd");
        assertThat(r.results().get(3).secrets().get(0).toString()).doesNotContain("wJalrXUtnFEMI");
    }

    @Test
    void truncatedFileFailsWithItsPosition() {
        assertThatThrownBy(() -> parse("{\n  \"SchemaVersion\": 2,\n  \"Results\": [ {\"Target\": \"x\""))
                .isInstanceOf(StageException.class)
                .hasMessageStartingWith("Trivy report trivy.json is not valid JSON at line 3, column")
                .hasMessageEndingWith("Nothing was imported.");
    }

    @Test
    void unknownSchemaVersionIsRefused() {
        assertThatThrownBy(() -> parse("{\n  \"SchemaVersion\": 3,\n  \"Results\": []\n}"))
                .hasMessage("Trivy report trivy.json is not a valid Trivy report at line 2, column 20 "
                        + "($.SchemaVersion): expected SchemaVersion 2 (trivy --format json, Trivy 0.20 or later), "
                        + "found 3. Nothing was imported.");
    }

    @Test
    void unknownSeverityNamesTheLineAndPath() {
        String json = """
                {
                  "SchemaVersion": 2,
                  "Results": [
                    {
                      "Target": "app.jar",
                      "Vulnerabilities": [
                        {"VulnerabilityID": "CVE-1", "PkgName": "a", "Severity": "SEVERE"}
                      ]
                    }
                  ]
                }
                """;

        assertThatThrownBy(() -> parse(json))
                .hasMessageContaining("at line 7, column")
                .hasMessageContaining("($.Results[0].Vulnerabilities[0].Severity): expected one of [CRITICAL, HIGH, "
                        + "MEDIUM, LOW, UNKNOWN], found \"SEVERE\"");
    }

    @Test
    void missingRequiredFieldAndWrongTypesAreNamed() {
        assertThatThrownBy(() -> parse("{\"SchemaVersion\": 2, \"Results\": [{\"Class\": \"os-pkgs\"}]}"))
                .hasMessageContaining("($.Results[0].Target): expected a non-empty string Target, found no Target");
        assertThatThrownBy(() -> parse("{\"SchemaVersion\": 2, \"Results\": {}}"))
                .hasMessageContaining("($.Results): expected an array, found object");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("found an empty file");
    }

    @Test
    void missingFileSaysHowToMakeOne() {
        assertThatThrownBy(() -> TrivyReportParser.parse(Path.of("target/no-such-report.json")))
                .hasMessage("Trivy report target/no-such-report.json does not exist.");
    }

    @Test
    void reportWithoutFindingsIsValid() {
        TrivyReport r = parse("{\"SchemaVersion\": 2, \"ArtifactName\": \"alpine:3.20\", \"Results\": "
                + "[{\"Target\": \"alpine:3.20 (alpine 3.20.0)\", \"Class\": \"os-pkgs\"}]}");

        assertThat(r.findingCount()).isZero();
    }
}
