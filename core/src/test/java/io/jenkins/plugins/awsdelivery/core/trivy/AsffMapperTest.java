package io.jenkins.plugins.awsdelivery.core.trivy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.VulnerabilityFixAvailable;

class AsffMapperTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static ReportMapping map(String region, String json) {
        return ReportMapping.of(json, region);
    }

    private static ReportMapping realReport() {
        return ReportMapping.of(ReportMapping.resource("web-ecr.json"), "eu-west-1");
    }

    @Test
    void vulnerabilityBecomesAnAsffFindingOnAnEcrImage() throws Exception {
        AwsSecurityFinding f = realReport().findings().get(0).finding();

        assertThat(f.schemaVersion()).isEqualTo("2018-10-08");
        assertThat(f.productArn()).isEqualTo("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
        assertThat(f.generatorId()).isEqualTo("trivy/vulnerability");
        assertThat(f.types()).containsExactly("Software and Configuration Checks/Vulnerabilities/CVE");
        assertThat(f.severity().label()).isEqualTo(SeverityLabel.HIGH);
        assertThat(f.title()).isEqualTo("CVE-2024-2511 in libssl3 3.1.4-r5: openssl: Unbounded memory growth with "
                + "session handling in TLSv1.3");
        assertThat(f.remediation().recommendation().text()).isEqualTo("Upgrade libssl3 from 3.1.4-r5 to 3.1.4-r6.");
        var resource = f.resources().get(0);
        assertThat(resource.type()).isEqualTo("AwsEcrContainerImage");
        assertThat(resource.id()).isEqualTo("arn:aws:ecr:eu-west-1:123456789012:repository/shop-web/sha256:"
                + "9b2a1c4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b");
        assertThat(resource.details().awsEcrContainerImage().imageTags()).containsExactly("1.4.2");
        var vuln = f.vulnerabilities().get(0);
        assertThat(vuln.fixAvailable()).isEqualTo(VulnerabilityFixAvailable.YES);
        assertThat(vuln.vulnerablePackages().get(0).fixedInVersion()).isEqualTo("3.1.4-r6");
        assertThat(vuln.cvss().get(0).baseScore()).isEqualTo(7.5);
        assertThat(f.productFields()).containsEntry(AsffMapper.REPOSITORY_FIELD,
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web").containsEntry("trivy/Class", "os-pkgs");
    }

    @Test
    void idsAreStableAndNeverShared() throws Exception {
        List<String> first = realReport().findings().stream().map(MappedFinding::id).toList();
        List<String> second = realReport().findings().stream().map(MappedFinding::id).toList();

        assertThat(first).isEqualTo(second);
        assertThat(new HashSet<>(first)).as("the same CVE in libssl3 and libcrypto3 gets two IDs")
                .hasSize(first.size());
        assertThat(first).allSatisfy(id -> assertThat(id).hasSizeLessThanOrEqualTo(512));
    }

    @Test
    void sameCveInTwoTargetsGetsTwoIdsButTheSameOneAcrossTags() {
        String v1 = TrivyReports.image("registry.example.com/web:1").vulnerability("a.jar", "CVE-1", "lib", "HIGH",
                "2", null).vulnerability("b.jar", "CVE-1", "lib", "HIGH", "2", null).json();
        String v2 = TrivyReports.image("registry.example.com/web:2").vulnerability("a.jar", "CVE-1", "lib", "HIGH",
                "2", null).json();

        List<String> ids1 = map("eu-west-1", v1).findings().stream().map(MappedFinding::id).toList();
        String id2 = map("eu-west-1", v2).findings().get(0).id();

        assertThat(ids1).doesNotHaveDuplicates();
        assertThat(id2).as("the next tag of the same repository updates the same finding").isEqualTo(ids1.get(0));
    }

    @Test
    void partitionComesFromTheRegion() {
        String json = TrivyReports.image("web:1").vulnerabilities("os", 1).json();

        assertThat(map("cn-north-1", json).findings().get(0).finding().productArn())
                .startsWith("arn:aws-cn:securityhub:cn-north-1:");
        assertThat(map("us-gov-west-1", json).findings().get(0).finding().productArn())
                .startsWith("arn:aws-us-gov:securityhub:us-gov-west-1:");
        var aqua = new AsffMapper("eu-west-1", "123456789012", AsffMapper.Product.AQUA, NOW);
        assertThat(aqua.productArn()).isEqualTo("arn:aws:securityhub:eu-west-1::product/aquasecurity/aquasecurity");
    }

    @Test
    void nonEcrImageIsAContainerResource() {
        var f = map("eu-west-1", TrivyReports.image("ghcr.io/acme/web:3").vulnerabilities("os", 1).json())
                .findings().get(0).finding();

        assertThat(f.resources().get(0).type()).isEqualTo("Container");
        assertThat(f.resources().get(0).details().container().imageName()).isEqualTo("ghcr.io/acme/web:3");
    }

    @Test
    void unknownSeverityIsInformationalAndMissingFixIsNoFix() throws Exception {
        var unknown = realReport().findings().stream().filter(m -> m.issue().equals("CVE-2099-0001")).findFirst()
                .orElseThrow();

        assertThat(unknown.finding().severity().label()).isEqualTo(SeverityLabel.INFORMATIONAL);
        assertThat(unknown.finding().severity().original()).isEqualTo("UNKNOWN");
        assertThat(unknown.finding().vulnerabilities().get(0).fixAvailable()).isEqualTo(VulnerabilityFixAvailable.NO);
        assertThat(unknown.finding().description()).as("no description: the title stands in")
                .startsWith("CVE-2099-0001 in com.example:legacy-utils");
    }

    @Test
    void misconfigurationAndSecretBecomeFindingsWithoutTheSecret() throws Exception {
        var all = realReport().findings();
        var misconfig = all.stream().filter(m -> m.issue().equals("DS002")).findFirst().orElseThrow().finding();
        var secret = all.stream().filter(m -> m.issue().equals("aws-secret-access-key")).findFirst().orElseThrow()
                .finding();

        assertThat(misconfig.generatorId()).isEqualTo("trivy/misconfiguration/DS002");
        assertThat(misconfig.remediation().recommendation().text())
                .isEqualTo("Add 'USER <non root user name>' line to the Dockerfile");
        assertThat(secret.title()).isEqualTo("Secret in /app/config/application.env line 4: AWS Secret Access Key");
        assertThat(AsffJson.toJson(secret).toString()).doesNotContain("wJalrXUtnFEMI").doesNotContain("Match");
    }

    @Test
    void longFieldsAreTruncatedToSecurityHubLimits() {
        String json = TrivyReports.image("web:1").vulnerability("a.jar", "CVE-2", "lib", "LOW", null,
                "x".repeat(5000)).json();

        var f = map("eu-west-1", json).findings().get(0).finding();

        assertThat(f.description()).hasSize(1024).endsWith("…");
    }

    @Test
    void aFindingThatCannotFitIsReportedByName() {
        String json = TrivyReports.image("web:1").vulnerability("a.jar", "CVE-3", "p".repeat(300_000), "HIGH",
                null, null).json();

        ReportMapping m = map("eu-west-1", json);

        assertThat(m.findings()).isEmpty();
        assertThat(m.invalid()).singleElement().satisfies(i -> {
            assertThat(i.issue()).isEqualTo("CVE-3");
            assertThat(i.reason()).contains("bytes of JSON after truncation; Security Hub accepts 245760");
        });
    }
}
