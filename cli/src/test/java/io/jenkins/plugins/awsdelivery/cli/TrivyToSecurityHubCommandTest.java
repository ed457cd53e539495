package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrivyToSecurityHubCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** The example report ships in core's test jar; copy it out so it is a real file like a user's report. */
    private Path exampleReport() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/trivy/web-ecr.json")) {
            assertThat(in).as("core test jar resource /trivy/web-ecr.json").isNotNull();
            Path report = dir.resolve("web-ecr.json");
            Files.copy(in, report);
            return report;
        }
    }

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void dryRunWritesValidAsffForARealReportAndGatesOnCritical() throws Exception {
        Path report = exampleReport();
        Path asff = dir.resolve("out.json");

        int code = run("trivy-to-securityhub", "--region", "eu-west-1", "--report", report.toString(), "--dry-run",
                "--asff-file", asff.toString(), "--output", "json");

        assertThat(code).as("the report has CRITICAL findings").isEqualTo(Main.STAGE_SAID_NO);
        JsonNode findings = new ObjectMapper().readTree(asff.toFile()).path("Findings");
        assertThat(findings).hasSize(7);
        assertThat(findings.get(0).path("Resources").get(0).path("Type").asText()).isEqualTo("AwsEcrContainerImage");
        assertThat(Files.readString(asff)).doesNotContain("wJalrXUtnFEMI");
        assertThat(out.toString()).contains("\"gate\" : \"FAILED\"").contains("\"dryRun\" : true");
        assertThat(err.toString()).contains("Gate failed: 2 finding(s) of severity [CRITICAL]");
    }

    @Test
    void dryRunWithoutRegionOrAccountTakesThemFromTheEcrImage() throws Exception {
        Path asff = dir.resolve("out.json");

        run("trivy-to-securityhub", "--report", exampleReport().toString(), "--dry-run", "--asff-file",
                asff.toString());

        JsonNode finding = new ObjectMapper().readTree(asff.toFile()).path("Findings").get(0);
        assertThat(finding.path("ProductArn").asText())
                .isEqualTo("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
        assertThat(finding.path("AwsAccountId").asText()).isEqualTo("123456789012");
        assertThat(err.toString()).doesNotContain("placeholder").doesNotContain("ARNs use us-east-1");
    }

    @Test
    void ignoringTheCriticalIdsPassesTheGate() throws Exception {
        Path report = exampleReport();
        Path ignore = Files.writeString(dir.resolve(".trivyignore"), "CVE-2022-22965\naws-secret-access-key\n");

        int code = run("trivy-to-securityhub", "--region", "eu-west-1", "--report", report.toString(), "--dry-run",
                "--asff-file", dir.resolve("o.json").toString(), "--ignore-file", ignore.toString());

        assertThat(code).isZero();
    }

    @Test
    void malformedReportIsAUsageErrorNamingThePosition() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"SchemaVersion\": 2,\n\"Results\": [}");

        int code = run("trivy-to-securityhub", "--region", "eu-west-1", "--report", bad.toString(), "--dry-run",
                "--asff-file", dir.resolve("o.json").toString());

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("is not valid JSON at line 2, column");
        assertThat(dir.resolve("o.json")).doesNotExist();
    }
}
