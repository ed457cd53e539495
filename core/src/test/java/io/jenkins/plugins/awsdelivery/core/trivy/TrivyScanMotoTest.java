package io.jenkins.plugins.awsdelivery.core.trivy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.RecordState;

/** Import, GetFindings and archive round trip against moto's Security Hub, with the account from moto's STS. */
class TrivyScanMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:7";

    @TempDir
    Path dir;

    @Test
    void importsThenArchivesWhatTheNextReportNoLongerHas() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            TrivyScanResult first = scan(aws, TrivyReports.image(IMAGE).vulnerabilities("debian 12", 3)
                    .misconfiguration("Dockerfile", "DS002", "HIGH"), "v1.json");
            TrivyScanResult second = scan(aws, TrivyReports.image(IMAGE).vulnerabilities("debian 12", 3), "v2.json");

            var findings = aws.client(SecurityHubClient::builder).getFindings(r -> r.maxResults(100)).findings();
            assertThat(first.imported()).isEqualTo(4);
            assertThat(second.imported()).isEqualTo(3);
            assertThat(second.archived()).isEqualTo(1);
            assertThat(findings).hasSize(4).allSatisfy(f -> assertThat(f.awsAccountId()).isEqualTo("123456789012"));
            assertThat(findings).filteredOn(f -> f.recordState() == RecordState.ARCHIVED)
                    .extracting(AwsSecurityFinding::generatorId).containsExactly("trivy/misconfiguration/DS002");
            assertThat(aws.calls().calls()).containsKey("Sts.GetCallerIdentity");
        }
    }

    @Test
    void reimportWithAnotherTagKeepsTheIdsAndArchivesNothing() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            scan(aws, TrivyReports.image(IMAGE).vulnerabilities(IMAGE + " (debian 12.5)", 150), "v1.json");
            var before = ids(aws);
            String next = IMAGE.replace(":7", ":8");
            TrivyScanResult second = scan(aws, TrivyReports.image(next).vulnerabilities(next + " (debian 12.5)", 150),
                    "v2.json");

            assertThat(second.archived()).isZero();
            assertThat(second.imported()).isEqualTo(150);
            assertThat(ids(aws)).isEqualTo(before).hasSize(150);
        }
    }

    private static java.util.Set<String> ids(AwsClientFactory aws) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        aws.client(SecurityHubClient::builder).getFindingsPaginator(r -> r.maxResults(100)).findings()
                .forEach(f -> out.add(f.id()));
        return out;
    }

    private TrivyScanResult scan(AwsClientFactory aws, TrivyReports report, String name) {
        TrivyScanRequest request = TrivyScanRequest.ofReport(report.writeTo(dir.resolve(name)));
        return new TrivyScan(request, aws, TrivyRunner.fromEnvironment(dir), Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()), StageLog.silent()).run();
    }
}
