package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub.FakeApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResilienceHubGateCommandTest {

    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-test/0a1b2c3d-1111-2222-3333-444455556666";

    private final FakeResilienceHub hub = new FakeResilienceHub(Clock.systemUTC(), "eu-west-1");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private FakeApp shop;

    @BeforeEach
    void start() {
        // The CLI reads credentials from the default chain; the fake accepts any SigV4-signed request.
        System.setProperty("aws.accessKeyId", "AKIDCLITEST");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
        shop = hub.app("shop").policy(3600, 900).published(Clock.systemUTC().instant().minus(Duration.ofDays(3)))
                .resourcesChanged();
        shop.nextAssessment().polls(0, 1).disruption("AZ", "PolicyMet", 1200, 300);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private int run(String... extra) {
        String[] base = {"resilience-hub-gate", "--region", "eu-west-1", "--endpoint-url",
            hub.server().endpoint().toString(), "--app-arn", shop.arn(), "--stack-arns", STACK,
            "--assessment-name", "release-42", "--poll-interval", "1s", "--output", "json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void aMetPolicyIsExitCodeZeroWithTheAssessmentInTheResult() {
        assertThat(run()).isZero();
        assertThat(out.toString()).contains("\"verdict\" : \"PASSED\"").contains("\"complianceStatus\" : \"PolicyMet\"")
                .contains("\"assessmentName\" : \"release-42\"").contains("\"quotaPerMonth\" : 20");
        assertThat(err.toString()).contains("Started assessment release-42")
                .contains("AZ        PolicyMet       RTO 1200s (target 3600s)");
    }

    @Test
    void aBreachedPolicyIsExitCodeOneUnlessUnstableIsAsked() {
        shop.nextAssessment().compliance("PolicyBreached").disruption("AZ", "PolicyBreached", 7200, 300);
        assertThat(run()).isEqualTo(Main.STAGE_SAID_NO);
        assertThat(out.toString()).contains("\"verdict\" : \"FAILED\"");
    }

    @Test
    void unstableIsNotAFailedExitCode() {
        shop.nextAssessment().compliance("PolicyBreached").disruption("AZ", "PolicyBreached", 7200, 300);
        assertThat(run("--on-breach", "unstable")).isZero();
        assertThat(out.toString()).contains("\"verdict\" : \"UNSTABLE\"");
    }

    @Test
    void aBadSourceIsAUsageErrorBeforeAnyCall() {
        assertThat(run("--terraform-state-files", "terraform.tfstate")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("terraformStateFiles: 'terraform.tfstate' is not an S3 URL");
        assertThat(hub.server().requests()).isEmpty();
    }

    @Test
    void accessDeniedIsExitCodeThreeAndNamesTheAction() {
        hub.server().failNext("DescribeApp", 1, FakeResilienceHub.accessDenied("resiliencehub:DescribeApp"));
        assertThat(run()).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString()).contains("AWS denied resiliencehub:DescribeApp");
    }
}
