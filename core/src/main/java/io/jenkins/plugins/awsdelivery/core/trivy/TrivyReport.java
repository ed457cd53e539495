package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.List;
import java.util.Map;

/**
 * A Trivy JSON report (SchemaVersion 2), reduced to what the import and the gate need.
 *
 * @param artifactName what was scanned, such as {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4}
 * @param repoDigests the image's repository digests ({@code repo@sha256:…})
 * @param trivyVersion the scanner's version when the report says it, else empty
 */
public record TrivyReport(String fileName, String artifactName, String artifactType, String createdAt,
                          List<String> repoTags, List<String> repoDigests, String trivyVersion,
                          List<Result> results) {

    /** The region of the scanned image when it lives in Amazon ECR. */
    public java.util.Optional<String> ecrRegion() {
        return ImageReference.of(artifactName, repoDigests).ecr().map(ImageReference.Ecr::region);
    }

    /** The account of the scanned image's registry when it lives in Amazon ECR. */
    public java.util.Optional<String> ecrAccount() {
        return ImageReference.of(artifactName, repoDigests).ecr().map(ImageReference.Ecr::registryId);
    }

    /** One scanned target: an OS, a language lock file, a Dockerfile, a layer's files. */
    public record Result(String target, String resultClass, String type, List<Vulnerability> vulnerabilities,
                         List<Misconfiguration> misconfigurations, List<Secret> secrets) {}

    /** A vulnerable package. {@code cvss} maps a source (nvd, redhat, ghsa) to version → score and vector. */
    public record Vulnerability(String id, String pkgId, String pkgName, String installedVersion, String fixedVersion,
                                String status, String severity, String title, String description, String primaryUrl,
                                List<String> references, List<Cvss> cvss, String publishedDate) {

        public boolean fixAvailable() {
            return fixedVersion != null && !fixedVersion.isBlank();
        }
    }

    /** One CVSS rating of a vulnerability. */
    public record Cvss(String source, String version, double baseScore, String vector) {}

    /** A failed configuration check. */
    public record Misconfiguration(String id, String avdId, String type, String title, String description,
                                   String message, String resolution, String severity, String primaryUrl,
                                   List<String> references, String status, int startLine, int endLine) {}

    /** A secret Trivy found. The matched text is never kept: only the rule, the file and the lines. */
    public record Secret(String ruleId, String category, String severity, String title, int startLine, int endLine) {}

    public long findingCount() {
        return results.stream().mapToLong(r -> r.vulnerabilities().size() + r.misconfigurations().size()
                + r.secrets().size()).sum();
    }

    /** Counts by Trivy severity, every class together. */
    public Map<String, Long> severityCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String s : TrivyReportParser.SEVERITIES) {
            counts.put(s, 0L);
        }
        for (Result r : results) {
            r.vulnerabilities().forEach(v -> counts.merge(v.severity(), 1L, Long::sum));
            r.misconfigurations().forEach(m -> counts.merge(m.severity(), 1L, Long::sum));
            r.secrets().forEach(s -> counts.merge(s.severity(), 1L, Long::sum));
        }
        return counts;
    }
}
