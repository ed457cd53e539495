package io.jenkins.plugins.awsdelivery.bench.trivy;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.RateLimiter;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReport;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReportReader;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyRunner;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScan;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanRequest;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * Imports a generated 10,000-vulnerability report into the scripted Security Hub on 127.0.0.1, which enforces the
 * documented rate (10 requests a second, bursts of 30) on a simulated clock: once with {@code trivyScanToSecurityHub}
 * (batches of 100) and once one call per finding, as the blog post's script does (given the same client-side rate
 * limiter, its best case). Reports API calls, time at the rate limit (simulated clock) and real time spent.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.trivy.SecurityHubImportSimulation}
 */
public final class SecurityHubImportSimulation {

    private SecurityHubImportSimulation() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("import-sim");
        Path report = TrivyReports.image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1")
                .vulnerabilities("debian 12", n).writeTo(dir.resolve("report.json"));

        TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
        try (FakeSecurityHub hub = new FakeSecurityHub(clock::instant);
             AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
            long start = System.nanoTime();
            TrivyScanResult r = new TrivyScan(new TrivyScanRequest(report, null, null, "123456789012", null, null,
                    null, false, false, null), aws, TrivyRunner.fromEnvironment(dir), clock, clock::advance,
                    StageLog.silent()).run();
            print("trivyScanToSecurityHub (batches of 100)", r.imported(), hub.server().count("BatchImportFindings"),
                    hub.throttled(), Duration.between(Instant.parse("2026-11-24T10:00:00Z"), clock.instant()),
                    Duration.ofNanos(System.nanoTime() - start));
        }

        TestClock clock2 = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
        try (FakeSecurityHub hub = new FakeSecurityHub(clock2::instant);
             AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
            AsffMapper mapper = new AsffMapper("eu-west-1", "123456789012", AsffMapper.Product.DEFAULT,
                    clock2.instant());
            TrivyReport parsed = TrivyReportReader.read(report);
            List<AwsSecurityFinding> findings = new ArrayList<>();
            TrivyReportReader.forEachFinding(parsed, report, (r, f) -> findings.add(mapper.map(parsed, r, f,
                    id -> null).finding().finding()));
            RateLimiter limiter = RateLimiter.securityHubImports(clock2, clock2::advance);
            SecurityHubClient client = aws.client(SecurityHubClient::builder);
            long start = System.nanoTime();
            int imported = 0;
            for (AwsSecurityFinding finding : findings) {
                limiter.acquire();
                imported += client.batchImportFindings(b -> b.findings(finding)).successCount();
            }
            print("one call per finding (the blog post's script)", imported,
                    hub.server().count("BatchImportFindings"), hub.throttled(),
                    Duration.between(Instant.parse("2026-11-24T10:00:00Z"), clock2.instant()),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static void print(String name, int imported, long calls, int throttled, Duration atRate, Duration real) {
        System.out.printf("| %s | %d | %d | %d | %.1f s | %.1f s |%n", name, imported, calls, throttled,
                atRate.toMillis() / 1000.0, real.toMillis() / 1000.0);
    }
}
