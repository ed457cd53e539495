package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.List;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * One ASFF finding with what the gate needs to know of it.
 *
 * @param issue the CVE, check ID or secret rule
 * @param aliases every ID the issue is known by: the issue, a check's AVD ID, a vulnerability's vendor IDs
 * @param severity Trivy's severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)
 * @param fixAvailable for vulnerabilities, whether a fixed version exists; true for other findings
 * @param bytes the size of the finding's JSON as sent, once it is fitted to Security Hub's limits
 */
public record MappedFinding(String id, String issue, List<String> aliases, String severity, boolean fixAvailable,
                            AwsSecurityFinding finding, int bytes) {

    MappedFinding with(AwsSecurityFinding fitted, int size) {
        return new MappedFinding(id, issue, aliases, severity, fixAvailable, fitted, size);
    }
}
