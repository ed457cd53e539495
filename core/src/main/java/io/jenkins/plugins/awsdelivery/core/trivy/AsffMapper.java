package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import java.time.Instant;
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

    /** The repository findings are grouped by: the image without tag or digest, or the scanned path. */
    public static String repository(TrivyReport report) {
        return report.image().repository();
    }

    /**
     * One finding, fitted to Security Hub's limits, or why it cannot fit.
     *
     * @param earlier what the last import sent of a finding ID, for when it was first seen; null when it is new
     */
    public Mapped map(TrivyReport report, TrivyReport.Result r, TrivyReport.Finding finding,
                      java.util.function.Function<String, ImportState.Entry> earlier) {
        ImageReference image = report.image();
        MappedFinding f;
        if (finding instanceof TrivyReport.Vulnerability v) {
            f = vulnerability(report, image, r, v);
        } else if (finding instanceof TrivyReport.Misconfiguration m) {
            f = misconfiguration(report, image, r, m);
        } else {
            f = secret(report, image, r, (TrivyReport.Secret) finding);
        }
        AwsSecurityFinding asff = f.finding();
        ImportState.Entry firstSeen = earlier.apply(f.id());
        if (firstSeen != null) {
            asff = asff.toBuilder().createdAt(or(firstSeen.createdAt(), asff.createdAt()))
                    .firstObservedAt(or(firstSeen.firstObservedAt(), asff.firstObservedAt())).build();
        }
        AsffLimits.Fitted fitted = AsffLimits.fit(asff);
        if (fitted.error() != null) {
            return new Mapped(f, fitted.error());
        }
        return new Mapped(f.with(fitted.finding(), fitted.bytes()), null);
    }

    /** A mapped finding, or the reason it cannot be imported. */
    public record Mapped(MappedFinding finding, String error) {}

    /** A finding that could not be made valid, reported by name. */
    public record InvalidFinding(String id, String issue, String reason) {}

    /**
     * The archived copy of a finding an earlier import sent and the report no longer has: what was kept of it, the
     * record state ARCHIVED and the current image as its resource.
     */
    public AwsSecurityFinding archived(TrivyReport report, String id, ImportState.Entry e, String lastObservedAt) {
        ImageReference image = report.image();
        Map<String, String> productFields = new LinkedHashMap<>();
        productFields.put(REPOSITORY_FIELD, image.repository());
        String title = e.title().isBlank() ? id : e.title();
        String at = now.toString();
        String severity = e.severity().isBlank() ? "UNKNOWN" : e.severity();
        AwsSecurityFinding f = AwsSecurityFinding.builder()
                .schemaVersion(SCHEMA_VERSION).id(id).productArn(productArn())
                .generatorId(e.generatorId().isBlank() ? "trivy" : e.generatorId())
                .awsAccountId(accountId)
                .types(e.type().isBlank() ? "Software and Configuration Checks/Vulnerabilities/CVE" : e.type())
                .createdAt(or(e.createdAt(), at)).updatedAt(at)
                .firstObservedAt(or(e.firstObservedAt(), at)).lastObservedAt(or(lastObservedAt, at))
                .severity(Severity.builder().label(label(severity)).original(severity).build())
                .title(title)
                .description(title + ". Trivy no longer reports this for " + image.repository() + " (scan of "
                        + at + "): archived.")
                .productFields(productFields)
                .resources(resource(image))
                .recordState(RecordState.ARCHIVED)
                .build();
        return AsffLimits.fit(f).finding();
    }

    /** What the state keeps of a finding sent now. */
    static ImportState.Entry entry(AwsSecurityFinding f, String severity) {
        return new ImportState.Entry(f.generatorId(), f.hasTypes() && !f.types().isEmpty() ? f.types().get(0) : "",
                severity, f.title(), f.firstObservedAt(), f.createdAt());
    }

    private static String or(String a, String b) {
        return a == null || a.isBlank() ? b : a;
    }

    private MappedFinding vulnerability(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                        TrivyReport.Vulnerability v) {
        String id = r.osPackages()
                ? FindingId.of(image.repository(), "vulnerability", v.id(), "os",
                        osFamily(report, r), v.pkgName())
                : FindingId.of(image.repository(), "vulnerability", v.id(), r.resultClass(), r.type(),
                        v.pkgPath().isBlank() ? r.location() : v.pkgPath(),
                        v.purl().isBlank() ? v.pkgName() : FindingId.unversioned(v.purl()));
        String title = v.id() + " in " + v.pkgName() + " " + v.installedVersion()
                + (v.title().isBlank() ? "" : ": " + v.title());
        String description = v.description().isBlank() ? title : v.description();
        String fix = v.fixAvailable() ? "Upgrade " + v.pkgName() + " from " + v.installedVersion() + " to "
                + v.fixedVersion() + "." : "No fixed version of " + v.pkgName() + " is available yet.";
        Vulnerability vuln = Vulnerability.builder()
                .id(v.id())
                .vulnerablePackages(SoftwarePackage.builder().name(v.pkgName()).version(v.installedVersion())
                        .filePath(v.pkgPath().isBlank() ? null : v.pkgPath())
                        .fixedInVersion(v.fixAvailable() ? v.fixedVersion() : null)
                        .remediation(v.fixAvailable() ? fix : null).build())
                .cvss(v.cvss().stream().map(c -> Cvss.builder().version(c.version()).baseScore(c.baseScore())
                        .baseVector(c.vector().isBlank() ? null : c.vector()).source(c.source()).build()).toList())
                .referenceUrls(v.references())
                .relatedVulnerabilities(v.vendorIds().isEmpty() ? null : v.vendorIds())
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
        return new MappedFinding(id, v.id(), v.aliases(), v.severity(), v.fixAvailable(), f, 0);
    }

    /** The OS family of an {@code os-pkgs} result: its Type, else the report's Metadata.OS.Family. */
    private static String osFamily(TrivyReport report, TrivyReport.Result r) {
        if (!r.type().isBlank()) {
            return r.type();
        }
        return report.osFamily().isBlank() ? "os" : report.osFamily();
    }

    private MappedFinding misconfiguration(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                           TrivyReport.Misconfiguration m) {
        String id = FindingId.of(image.repository(), "misconfiguration", m.id(), r.location(),
                m.resource().isBlank() ? Integer.toString(m.startLine()) : m.resource());
        String title = m.id() + ": " + (m.title().isBlank() ? m.message() : m.title()) + " (" + r.location() + ")";
        String description = String.join(" ", List.of(m.description(), m.message())).trim();
        AwsSecurityFinding f = base(report, image, r, id, "misconfiguration/" + m.id(), m.severity())
                .types("Software and Configuration Checks/Industry and Regulatory Standards")
                .title(title).description(description.isBlank() ? title : description)
                .remediation(remediation(m.resolution().isBlank()
                        ? (m.primaryUrl().isBlank() ? "See Trivy check " + m.id() + "." : "See " + m.primaryUrl())
                        : m.resolution(), m.primaryUrl()))
                .build();
        return new MappedFinding(id, m.id(), m.aliases(), m.severity(), true, f, 0);
    }

    private MappedFinding secret(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                 TrivyReport.Secret s) {
        String id = FindingId.of(image.repository(), "secret", s.ruleId(), r.location(),
                Integer.toString(s.startLine()));
        String where = r.location() + (s.startLine() > 0 ? " line " + s.startLine() : "");
        String title = "Secret in " + where + ": " + (s.title().isBlank() ? s.ruleId() : s.title());
        // Never the matched text: only the rule, the file and the lines.
        String description = "Trivy rule " + s.ruleId() + (s.category().isBlank() ? "" : " (" + s.category() + ")")
                + " matched a secret in " + r.location()
                + (s.startLine() > 0 ? " at lines " + s.startLine() + "-" + s.endLine() : "") + ".";
        AwsSecurityFinding f = base(report, image, r, id, "secret/" + s.ruleId(), s.severity())
                .types("Sensitive Data Identifications/Passwords")
                .title(title).description(description)
                .remediation(remediation("Remove the secret from the image, rotate it, and pass it at run time "
                        + "(for example from AWS Secrets Manager).", null))
                .build();
        return new MappedFinding(id, s.ruleId(), s.aliases(), s.severity(), true, f, 0);
    }

    private AwsSecurityFinding.Builder base(TrivyReport report, ImageReference image, TrivyReport.Result r,
                                            String id, String generator, String severity) {
        Map<String, String> productFields = new LinkedHashMap<>();
        productFields.put(REPOSITORY_FIELD, image.repository());
        productFields.put("trivy/Target", r.location());
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
        if (image.repository().isEmpty()) {
            return Resource.builder().type("Other").id("trivy-artifact").partition(partition.id()).region(region)
                    .build();
        }
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
