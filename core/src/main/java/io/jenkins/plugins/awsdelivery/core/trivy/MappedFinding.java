package io.jenkins.plugins.awsdelivery.core.trivy;

import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * One ASFF finding with what the gate needs to know of it.
 *
 * @param issue the CVE, check ID or secret rule
 * @param severity Trivy's severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)
 * @param fixAvailable for vulnerabilities, whether a fixed version exists; true for other findings
 */
public record MappedFinding(String id, String issue, String severity, boolean fixAvailable,
                            AwsSecurityFinding finding) {

    MappedFinding with(AwsSecurityFinding fitted) {
        return new MappedFinding(id, issue, severity, fixAvailable, fitted);
    }
}
