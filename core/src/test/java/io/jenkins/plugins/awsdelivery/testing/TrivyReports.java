package io.jenkins.plugins.awsdelivery.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated Trivy JSON reports (SchemaVersion 2), for tests and benchmarks. */
public final class TrivyReports {

    private static final String[] SEVERITIES = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"};

    private final ObjectNode root = FakeAwsServer.JSON.createObjectNode();
    private final ArrayNode results;

    private TrivyReports(String artifactName) {
        root.put("SchemaVersion", 2).put("CreatedAt", "2026-11-24T09:00:00Z").put("ArtifactName", artifactName)
                .put("ArtifactType", "container_image");
        root.putObject("Metadata").putArray("RepoDigests").add(artifactName.replaceAll(":[^:/]+$", "")
                + "@sha256:1111111111111111111111111111111111111111111111111111111111111111");
        root.putObject("Trivy").put("Version", "0.58.1");
        results = root.putArray("Results");
    }

    public static TrivyReports image(String artifactName) {
        return new TrivyReports(artifactName);
    }

    /** {@code count} vulnerabilities in one OS target, severities cycling, every third without a fix. */
    public TrivyReports vulnerabilities(String target, int count) {
        ObjectNode r = results.addObject().put("Target", target).put("Class", "os-pkgs").put("Type", "debian");
        ArrayNode vulns = r.putArray("Vulnerabilities");
        for (int i = 0; i < count; i++) {
            ObjectNode v = vulns.addObject().put("VulnerabilityID", "CVE-2026-" + (10000 + i))
                    .put("PkgID", "pkg" + (i % 400) + "@1." + (i % 7)).put("PkgName", "pkg" + (i % 400))
                    .put("InstalledVersion", "1." + (i % 7)).put("Severity", SEVERITIES[i % SEVERITIES.length])
                    .put("Title", "Issue " + i + " in pkg" + (i % 400))
                    .put("Description", "A flaw was found in pkg" + (i % 400) + " that lets an attacker do thing " + i
                            + ". " + "Details of the flaw and its impact on confidentiality. ".repeat(3))
                    .put("PrimaryURL", "https://avd.aquasec.com/nvd/cve-2026-" + (10000 + i));
            if (i % 3 != 0) {
                v.put("FixedVersion", "1." + (i % 7 + 1)).put("Status", "fixed");
            } else {
                v.put("Status", "affected");
            }
            v.putObject("CVSS").putObject("nvd").put("V3Score", 5.0 + i % 5)
                    .put("V3Vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
            v.putArray("References").add("https://nvd.nist.gov/vuln/detail/CVE-2026-" + (10000 + i));
        }
        return this;
    }

    /** One vulnerability with a given ID, package and severity (for duplicates across packages and targets). */
    public TrivyReports vulnerability(String target, String id, String pkg, String severity, String fixedVersion,
                                      String description) {
        ObjectNode r = results.addObject().put("Target", target).put("Class", "lang-pkgs").put("Type", "jar");
        ObjectNode v = r.putArray("Vulnerabilities").addObject().put("VulnerabilityID", id).put("PkgName", pkg)
                .put("InstalledVersion", "1.0").put("Severity", severity).put("Title", id + " title");
        if (fixedVersion != null) {
            v.put("FixedVersion", fixedVersion);
        }
        if (description != null) {
            v.put("Description", description);
        }
        return this;
    }

    public TrivyReports misconfiguration(String target, String id, String severity) {
        results.addObject().put("Target", target).put("Class", "config").put("Type", "dockerfile")
                .putArray("Misconfigurations").addObject().put("ID", id).put("Title", "Check " + id)
                .put("Message", "Fix " + id).put("Resolution", "Change the Dockerfile").put("Severity", severity)
                .put("Status", "FAIL").putObject("CauseMetadata").put("StartLine", 3).put("EndLine", 3);
        return this;
    }

    public TrivyReports secret(String target, String rule, String matched) {
        ObjectNode s = results.addObject().put("Target", target).put("Class", "secret").putArray("Secrets")
                .addObject().put("RuleID", rule).put("Category", "AWS").put("Severity", "CRITICAL")
                .put("Title", "AWS Secret Access Key").put("StartLine", 7).put("EndLine", 7).put("Match", matched);
        s.putObject("Code").putArray("Lines").addObject().put("Number", 7).put("Content", matched);
        return this;
    }

    /** A target with no findings at all. */
    public TrivyReports clean(String target) {
        results.addObject().put("Target", target).put("Class", "os-pkgs").put("Type", "alpine");
        return this;
    }

    public String json() {
        return root.toPrettyString();
    }

    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
