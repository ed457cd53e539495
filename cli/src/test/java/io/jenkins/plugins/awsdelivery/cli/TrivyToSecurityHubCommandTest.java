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

    /** A subcommand that throws, run the way Main runs every subcommand. */
    private int runThrowing(RuntimeException orNull, Error error) {
        @picocli.CommandLine.Command(name = "boom")
        class Boom implements java.util.concurrent.Callable<Integer> {
            @Override
            public Integer call() {
                if (error != null) {
                    throw error;
                }
                throw orNull;
            }
        }
        picocli.CommandLine cli = Main.commandLine();
        cli.addSubcommand("boom", new Boom());
        return Main.run(new String[] {"boom"}, new PrintWriter(out, true), new PrintWriter(err, true), cli);
    }

    @Test
    void outOfMemoryIsExitThreeWithOneLine() {
        int code = runThrowing(null, new OutOfMemoryError("Java heap space"));

        assertThat(code).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString().strip().lines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("ERROR: unexpected OutOfMemoryError: Java heap space").contains("-Xmx"));
    }

    @Test
    void unexpectedExceptionIsExitThreeWithOneLine() {
        int code = runThrowing(new IllegalStateException("surprise"), null);

        assertThat(code).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString().strip().lines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("ERROR: unexpected IllegalStateException: surprise (at "));
    }

    @Test
    void aLargeReportIsStreamedInAHeapFarSmallerThanItsJsonTree() throws Exception {
        Path report = dir.resolve("big.json");
        io.jenkins.plugins.awsdelivery.testing.TrivyReports.image("registry.example.com/web:1")
                .vulnerabilities("registry.example.com/web:1 (debian 12.5)", 20_000).writeTo(report);
        long size = java.nio.file.Files.size(report);
        Path asff = dir.resolve("asff.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "trivy-to-securityhub", "--region", "eu-west-1", "--account-id", "123456789012", "--report",
                report.toString(), "--dry-run", "--asff-file", asff.toString(), "--fail-on", "CRITICAL")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();

        assertThat(size).as("a JSON tree of the report would need several times the heap").isGreaterThan(15L << 20);
        assertThat(output).doesNotContain("OutOfMemoryError").contains("Wrote 20000 ASFF findings");
        assertThat(code).as(output).isEqualTo(Main.STAGE_SAID_NO);
    }

    @Test
    void stateFileIsWrittenAndUsedByTheNextImport() throws Exception {
        try (io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub hub =
                     new io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub(java.time.Instant::now)) {
            System.setProperty("aws.accessKeyId", "AKIDCLITEST");
            System.setProperty("aws.secretAccessKey", "cli-test-secret");
            Path state = dir.resolve("state.json");
            Path v1 = io.jenkins.plugins.awsdelivery.testing.TrivyReports.image("registry.example.com/web:1")
                    .vulnerabilities("os", 3).writeTo(dir.resolve("v1.json"));
            Path v2 = io.jenkins.plugins.awsdelivery.testing.TrivyReports.image("registry.example.com/web:2")
                    .vulnerabilities("os", 2).writeTo(dir.resolve("v2.json"));
            String[] common = {"trivy-to-securityhub", "--region", "eu-west-1", "--account-id", "123456789012",
                "--endpoint-url", hub.server().endpoint().toString(), "--state-file", state.toString(),
                "--fail-on", "CRITICAL", "--output", "json"};

            int first = run(concat(common, "--report", v1.toString()));
            long reads = hub.server().count("GetFindings");
            int second = run(concat(common, "--report", v2.toString()));

            assertThat(first).isEqualTo(Main.STAGE_SAID_NO);
            assertThat(second).isEqualTo(Main.STAGE_SAID_NO);
            assertThat(state).exists();
            assertThat(hub.server().count("GetFindings")).isEqualTo(reads);
            assertThat(out.toString()).contains("\"archived\" : 1");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
