package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpListsCommonUsageAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: aws-delivery-stages").contains("--version")
                .contains("Exit codes:").contains("1  the stage said no");
    }

    @Test
    void versionNamesTheProjectAndItsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("aws-delivery-stages 0.1.0-SNAPSHOT");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--no-such-option")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
    }

    /** A stage that fails or passes as told, to check how outcomes and errors become exit codes. */
    @CommandLine.Command(name = "probe")
    static final class ProbeCommand extends StageCommand {
        @CommandLine.Option(names = "--fail-with")
        StageException.Kind failWith;

        @CommandLine.Option(names = "--pass")
        boolean pass;

        @CommandLine.Mixin
        AwsOptions aws;

        @Override
        protected Outcome run(StageLog log) {
            log.info("probing " + aws.settings().region());
            if (failWith != null) {
                throw new StageException(failWith, "Probe failed as asked.", "Do nothing.");
            }
            return new Outcome(() -> PlainValues.map().put("region", aws.settings().region()).build(), pass);
        }
    }

    private int runProbe(String... args) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new ProbeCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), cli);
    }

    @Test
    void stageOutcomesAndErrorsMapToTheDocumentedExitCodes() {
        assertThat(runProbe("probe", "--pass", "--region", "eu-west-1", "--output", "json")).isEqualTo(Main.OK);
        assertThat(out.toString()).contains("\"region\" : \"eu-west-1\"");
        assertThat(err.toString()).contains("probing eu-west-1");
        assertThat(runProbe("probe", "--region", "eu-west-1")).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(runProbe("probe", "--region", "eu-west-1", "--fail-with", "AWS")).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString()).contains("ERROR: Probe failed as asked. Do nothing.");
        assertThat(runProbe("probe", "--region", "eu-west-1", "--fail-with", "INVALID_INPUT")).isEqualTo(Main.USAGE);
        assertThat(runProbe("probe", "--region", "eu-west-1", "--fail-with", "TIMEOUT"))
                .isEqualTo(Main.STAGE_SAID_NO);
        assertThat(runProbe("probe", "--region", "Frankfurt")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("'Frankfurt' is not an AWS region name.");
    }

    @Test
    void withJsonOutputEveryErrorExitCodePrintsAJsonObject() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String[][] cases = {
            {"INVALID_INPUT", "2", "INVALID_INPUT"},
            {"AWS", "3", "ERROR"},
            {"KUBERNETES", "3", "ERROR"},
            {"TIMEOUT", "1", "TIMED_OUT"}};
        for (String[] c : cases) {
            out.getBuffer().setLength(0);
            int code = runProbe("probe", "--region", "eu-west-1", "--fail-with", c[0], "--output", "json");
            var json = mapper.readTree(out.toString());
            assertThat(code).isEqualTo(Integer.parseInt(c[1]));
            assertThat(json.path("status").asText()).isEqualTo(c[2]);
            assertThat(json.path("exitCode").asInt()).isEqualTo(code);
            assertThat(json.path("error").path("kind").asText()).isEqualTo(c[0]);
            assertThat(json.path("error").path("message").asText()).isEqualTo("Probe failed as asked.");
            assertThat(json.path("error").path("hint").asText()).isEqualTo("Do nothing.");
        }
        out.getBuffer().setLength(0);
        assertThat(runProbe("probe", "--output=json", "--no-such-option")).isEqualTo(Main.USAGE);
        assertThat(mapper.readTree(out.toString()).path("error").path("kind").asText()).isEqualTo("USAGE");
    }

    @Test
    void textOutputPrintsNoJsonForErrors() {
        assertThat(runProbe("probe", "--region", "eu-west-1", "--fail-with", "AWS")).isEqualTo(Main.SERVICE_ERROR);
        assertThat(out.toString()).isEmpty();
    }
}
