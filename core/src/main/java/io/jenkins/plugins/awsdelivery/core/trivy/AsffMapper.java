package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.securityhub.model.AwsEcrContainerImageDetails;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.ContainerDetails;
import software.amazon.awssdk.services.securityhub.model.Cvss;
import software.amazon.awssdk.services.securityhub.model.RecordState;
import software.amazon.awssdk.services.securityhub.model.Recommendation;
import software.amazon.awssdk.services.securityhub.model.Remediation;
import software.amazon.awssdk.services.securityhub.model.Resource;
import software.amazon.awssdk.services.securityhub.model.ResourceDetails;
import software.amazon.awssdk.services.securityhub.model.Severity;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.SoftwarePackage;
import software.amazon.awssdk.services.securityhub.model.Vulnerability;
import software.amazon.awssdk.services.securityhub.model.VulnerabilityFixAvailable;
import software.amazon.awssdk.services.securityhub.model.VulnerabilityVendor;

/**
 * Maps a Trivy report to AWS Security Finding Format findings: vulnerabilities, misconfigurations and secrets, with
 * stable IDs, the partition's ARNs, an ECR image resource where the image is in ECR, and Security Hub's limits.
 */
public final class AsffMapper {

    /** The ProductFields key that groups this project's findings by image repository, for the archive pass. */
    public static final String REPOSITORY_FIELD = "aws-delivery-stages/ImageRepository";
    static final String SCHEMA_VERSION = "2018-10-08";

    /** Which product the findings are imported as. */
    public enum Product { DEFAULT, AQUA }

    private final String region;
    private final Partition partition;
    private final String accountId;
    private final Product product;
    private final Instant now;

    public AsffMapper(String region, String accountId, Product product, Instant now) {
        this.region = region;
        this.partition = Partition.forRegion(region);
        this.accountId = accountId;
        this.product = product;
        this.now = now;
    }

    /** The product ARN findings are imported under. */
    public String productArn() {
        return product == Product.AQUA
                ? partition.arn("securityhub", region, "", "product/aquasecurity/aquasecurity")
                : partition.arn("securityhub", region, accountId, "product/" + accountId + "/default");
    }

    /** Every finding of the report, fitted to Security Hub's limits; the ones that cannot fit are in the result. */
    public Mapping map(TrivyReport report) {
        ImageReference image = ImageReference.of(report.artifactName(), report.repoDigests());
        List<MappedFinding> findings = new ArrayList<>();
        for (TrivyReport.Result r : report.results()) {
            for (TrivyReport.Vulnerability v : r.vulnerabilities()) {
                findings.add(vulnerability(report, image, r, v));
            }
            for (TrivyReport.Misconfiguration m : r.misconfigurations()) {
                findings.add(misconfiguration(report, image, r, m));
            }
            for (TrivyReport.Secret s : r.secrets()) {
                findings.add(secret(report, image, r, s));
            }
        }
        List<MappedFinding> valid = new ArrayList<>();
        List<InvalidFinding> invalid = new ArrayList<>();
        for (MappedFinding f : findings) {
            AsffLimits.Fitted fitted = AsffLimits.fit(f.finding());
            if (fitted.error() != null) {
                invalid.add(new InvalidFinding(f.id(), f.issue(), fitted.error()));
            } else {
                valid.add(f.with(fitted.finding()));
            }
        }
        return new Mapping(image.repository(), List.copyOf(valid), List.copyOf(invalid));
    }

    /** The findings and the ones that could not be made valid. */
    public record Mapping(String repository, List<MappedFinding> findings, List<InvalidFinding> invalid) {}

    /** A finding that could not be made valid, reported by name. */
    public record InvalidFinding(String id, String issue, String reason) {}

    private MappedFinding vulnerability(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                        TrivyReport.Vulnerability v) {
        String id = FindingId.of(image.repository(), "vulnerability", v.id(), r.target(), v.pkgName(),
                v.installedVersion(), v.pkgId());
        String title = v.id() + " in " + v.pkgName() + " " + v.installedVersion()
                + (v.title().isBlank() ? "" : ": " + v.title());
        String description = v.description().isBlank() ? title : v.description();
        String fix = v.fixAvailable() ? "Upgrade " + v.pkgName() + " from " + v.installedVersion() + " to "
                + v.fixedVersion() + "." : "No fixed version of " + v.pkgName() + " is available yet.";
        Vulnerability vuln = Vulnerability.builder()
                .id(v.id())
                .vulnerablePackages(SoftwarePackage.builder().name(v.pkgName()).version(v.installedVersion())
                        .fixedInVersion(v.fixAvailable() ? v.fixedVersion() : null)
                        .remediation(v.fixAvailable() ? fix : null).build())
                .cvss(v.cvss().stream().map(c -> Cvss.builder().version(c.version()).baseScore(c.baseScore())
                        .baseVector(c.vector().isBlank() ? null : c.vector()).source(c.source()).build()).toList())
                .referenceUrls(v.references())
                .fixAvailable(v.fixAvailable() ? VulnerabilityFixAvailable.YES : VulnerabilityFixAvailable.NO)
                .vendor(VulnerabilityVendor.builder().name("Trivy")
                        .url(v.primaryUrl().isBlank() ? null : v.primaryUrl()).build())
                .build();
        AwsSecurityFinding f = base(report, image, r, id, "vulnerability", v.severity())
                .types("Software and Configuration Checks/Vulnerabilities/CVE")
                .title(title).description(description)
                .remediation(remediation(fix, v.primaryUrl()))
                .vulnerabilities(vuln)
                .build();
        return new MappedFinding(id, v.id(), v.severity(), v.fixAvailable(), f);
    }

    private MappedFinding misconfiguration(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                           TrivyReport.Misconfiguration m) {
        String id = FindingId.of(image.repository(), "misconfiguration", m.id(), r.target(),
                Integer.toString(m.startLine()));
        String title = m.id() + ": " + (m.title().isBlank() ? m.message() : m.title()) + " (" + r.target() + ")";
        String description = String.join(" ", List.of(m.description(), m.message())).trim();
        AwsSecurityFinding f = base(report, image, r, id, "misconfiguration/" + m.id(), m.severity())
                .types("Software and Configuration Checks/Industry and Regulatory Standards")
                .title(title).description(description.isBlank() ? title : description)
                .remediation(remediation(m.resolution().isBlank() ? "See " + m.primaryUrl() : m.resolution(),
                        m.primaryUrl()))
                .build();
        return new MappedFinding(id, m.id(), m.severity(), true, f);
    }

    private MappedFinding secret(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                 TrivyReport.Secret s) {
        String id = FindingId.of(image.repository(), "secret", s.ruleId(), r.target(), Integer.toString(s.startLine()));
        String where = r.target() + (s.startLine() > 0 ? " line " + s.startLine() : "");
        String title = "Secret in " + where + ": " + (s.title().isBlank() ? s.ruleId() : s.title());
        // Never the matched text: only the rule, the file and the lines.
        String description = "Trivy rule " + s.ruleId() + (s.category().isBlank() ? "" : " (" + s.category() + ")")
                + " matched a secret in " + r.target()
                + (s.startLine() > 0 ? " at lines " + s.startLine() + "-" + s.endLine() : "") + ".";
        AwsSecurityFinding f = base(report, image, r, id, "secret/" + s.ruleId(), s.severity())
                .types("Sensitive Data Identifications/Passwords")
                .title(title).description(description)
                .remediation(remediation("Remove the secret from the image, rotate it, and pass it at run time "
                        + "(for example from AWS Secrets Manager).", null))
                .build();
        return new MappedFinding(id, s.ruleId(), s.severity(), true, f);
    }

    private AwsSecurityFinding.Builder base(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                            String id, String generator, String severity) {
        Map<String, String> productFields = new LinkedHashMap<>();
        productFields.put(REPOSITORY_FIELD, image.repository());
        productFields.put("trivy/Target", r.target());
        productFields.put("trivy/Class", r.resultClass());
        if (!r.type().isBlank()) {
            productFields.put("trivy/Type", r.type());
        }
        if (!report.trivyVersion().isBlank()) {
            productFields.put("trivy/Version", report.trivyVersion());
        }
        String at = now.toString();
        return AwsSecurityFinding.builder()
                .schemaVersion(SCHEMA_VERSION)
                .id(id)
                .productArn(productArn())
                .generatorId("trivy/" + generator)
                .awsAccountId(accountId)
                .createdAt(at).updatedAt(at).firstObservedAt(at).lastObservedAt(at)
                .severity(Severity.builder().label(label(severity)).original(severity).build())
                .productFields(productFields)
                .resources(resource(image))
                .recordState(RecordState.ACTIVE);
    }

    private Resource resource(ImageReference image) {
        Optional<ImageReference.Ecr> ecr = image.ecr();
        if (ecr.isPresent()) {
            ImageReference.Ecr e = ecr.get();
            String arn = Partition.forRegion(e.region()).arn("ecr", e.region(), e.registryId(),
                    "repository/" + e.repositoryName()) + (image.digest() == null ? "" : "/" + image.digest());
            return Resource.builder().type("AwsEcrContainerImage").id(arn).partition(partition.id()).region(e.region())
                    .details(ResourceDetails.builder().awsEcrContainerImage(AwsEcrContainerImageDetails.builder()
                            .registryId(e.registryId()).repositoryName(e.repositoryName()).imageDigest(image.digest())
                            .imageTags(image.tag() == null ? List.of() : List.of(image.tag())).build()).build())
                    .build();
        }
        String name = image.repository() + (image.tag() == null ? "" : ":" + image.tag());
        return Resource.builder().type("Container").id(image.digest() == null ? name : image.repository() + "@"
                        + image.digest())
                .partition(partition.id()).region(region)
                .details(ResourceDetails.builder().container(ContainerDetails.builder().name(name)
                        .imageId(image.digest()).imageName(name).build()).build())
                .build();
    }

    private static Remediation remediation(String text, String url) {
        return Remediation.builder().recommendation(Recommendation.builder().text(text)
                .url(url == null || url.isBlank() ? null : url).build()).build();
    }

    static SeverityLabel label(String trivySeverity) {
        return switch (trivySeverity) {
            case "CRITICAL" -> SeverityLabel.CRITICAL;
            case "HIGH" -> SeverityLabel.HIGH;
            case "MEDIUM" -> SeverityLabel.MEDIUM;
            case "LOW" -> SeverityLabel.LOW;
            default -> SeverityLabel.INFORMATIONAL;
        };
    }
}
