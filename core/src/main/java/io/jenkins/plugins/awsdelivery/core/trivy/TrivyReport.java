package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a first, validating pass over a Trivy JSON report (SchemaVersion 2) learned: what was scanned, its results
 * (without their findings, which are streamed again by {@link TrivyReportReader#forEachFinding}) and the census of
 * its findings. Nothing here grows with the number of findings except {@link #results()}, one entry per target.
 *
 * @param artifactName what was scanned, such as {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4}
 * @param repoDigests the image's repository digests ({@code repo@sha256:…})
 * @param trivyVersion the scanner's version when the report says it, else empty
 * @param osFamily {@code Metadata.OS.Family} when the report has it, else empty
 * @param census counts of the findings by kind and severity, and what was normalised or left out
 */
public record TrivyReport(String fileName, String artifactName, String artifactType, String createdAt,
                          List<String> repoTags, List<String> repoDigests, String trivyVersion, String osFamily,
                          List<Result> results, Census census) {

    /** The region of the scanned image when it lives in Amazon ECR. */
    public Optional<String> ecrRegion() {
        return image().ecr().map(ImageReference.Ecr::region);
    }

    /** The account of the scanned image's registry when it lives in Amazon ECR. */
    public Optional<String> ecrAccount() {
        return image().ecr().map(ImageReference.Ecr::registryId);
    }

    ImageReference image() {
        return ImageReference.of(artifactName, repoDigests);
    }

    public long findingCount() {
        return census.vulnerabilities() + census.misconfigurations() + census.secrets();
    }

    public Map<String, Long> severityCounts() {
        return census.severities();
    }

    /**
     * One scanned target: an OS, a language lock file or package directory, a Dockerfile, a layer's files.
     *
     * @param target Trivy's {@code Target}; may be empty (Trivy leaves it empty for custom resources)
     * @param resultClass {@code os-pkgs}, {@code lang-pkgs}, {@code config}, {@code secret}, {@code license}, …
     * @param type the OS family for {@code os-pkgs} ({@code debian}, {@code alpine}, {@code redhat}), the
     *     ecosystem for {@code lang-pkgs} ({@code jar}, {@code npm}), the config type for {@code config}
     */
    public record Result(String target, String resultClass, String type) {

        /** Where the findings are, for people: the target, or its class and type when Trivy gave no target. */
        public String location() {
            if (!target.isBlank()) {
                return target;
            }
            String t = (resultClass + " " + type).trim();
            return t.isEmpty() ? "(no target)" : "(" + t + ")";
        }

        boolean osPackages() {
            return "os-pkgs".equals(resultClass);
        }
    }

    /** A finding of the report. */
    public sealed interface Finding permits Vulnerability, Misconfiguration, Secret {
        /** The CVE, check or rule ID. */
        String issue();

        /** Trivy's severity, normalised to one of {@link TrivyReportReader#SEVERITIES}. */
        String severity();

        /** Every ID the finding is known by: the issue and its aliases (AVD ID, vendor IDs). */
        List<String> aliases();
    }

    /**
     * A vulnerable package. {@code cvss} holds one rating per source (nvd, redhat, ghsa) and version.
     *
     * @param pkgPath the file the package was found in (language packages in an image), else empty
     * @param purl the package URL of {@code PkgIdentifier}, else empty
     * @param vendorIds the vendor's own IDs of the same issue (DSA-…, RHSA-…, GHSA-…)
     */
    public record Vulnerability(String id, String pkgId, String pkgName, String pkgPath, String purl,
                                String installedVersion, String fixedVersion, String status, String severity,
                                String title, String description, String primaryUrl, List<String> references,
                                List<Cvss> cvss, String publishedDate, List<String> vendorIds) implements Finding {

        public boolean fixAvailable() {
            return fixedVersion != null && !fixedVersion.isBlank();
        }

        @Override
        public String issue() {
            return id;
        }

        @Override
        public List<String> aliases() {
            return vendorIds.isEmpty() ? List.of(id)
                    : java.util.stream.Stream.concat(java.util.stream.Stream.of(id), vendorIds.stream()).toList();
        }
    }

    /** One CVSS rating of a vulnerability. */
    public record Cvss(String source, String version, double baseScore, String vector) {}

    /**
     * A failed configuration check ({@code Status} FAIL). Passed and excepted checks are only counted.
     *
     * @param resource the resource the check failed on ({@code CauseMetadata.Resource}), else empty
     */
    public record Misconfiguration(String id, String avdId, String type, String title, String description,
                                   String message, String resolution, String severity, String primaryUrl,
                                   List<String> references, String status, String resource, int startLine,
                                   int endLine) implements Finding {

        @Override
        public String issue() {
            return id;
        }

        @Override
        public List<String> aliases() {
            return avdId.isBlank() || avdId.equals(id) ? List.of(id) : List.of(id, avdId);
        }
    }

    /** A secret Trivy found. The matched text is never kept: only the rule, the file and the lines. */
    public record Secret(String ruleId, String category, String severity, String title, int startLine, int endLine)
            implements Finding {

        @Override
        public String issue() {
            return ruleId;
        }

        @Override
        public List<String> aliases() {
            return List.of(ruleId);
        }
    }

    /**
     * Counts of a report's findings.
     *
     * @param severities findings (vulnerabilities, failed checks, secrets) by normalised severity
     * @param passedChecks misconfiguration checks with Status PASS or EXCEPTION: counted, never imported
     * @param licenses license findings: counted, not imported
     * @param unidentified findings without their ID (VulnerabilityID, ID or RuleID): counted, not imported
     * @param severityNotes how many severities were normalised, by what was wrong ("missing", "lowercase", …)
     */
    public record Census(long vulnerabilities, long misconfigurations, long secrets, long passedChecks,
                         long licenses, long unidentified, Map<String, Long> severities,
                         Map<String, SeverityNote> severityNotes) {}

    /** A kind of severity that had to be normalised: how many findings, and the first one's position. */
    public record SeverityNote(long count, String example, String firstAt) {}
}
