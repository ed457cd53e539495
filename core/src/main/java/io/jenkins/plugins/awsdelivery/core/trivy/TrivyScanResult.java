package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.PlainValues;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.util.List;
import java.util.Map;

/**
 * What the import did and what the gate said.
 *
 * @param severityCounts findings by Trivy severity
 * @param failed findings that did not get into Security Hub, with their error code, and findings that could not be
 *     made valid ASFF (code {@code InvalidFinding})
 * @param gatingIds IDs of the findings that fail the gate
 * @param passedChecks misconfiguration checks that passed (Status PASS or EXCEPTION): counted, not imported
 * @param archivedEarlierRule of {@code archived}, findings imported under the identity rule of earlier versions
 * @param earlierState where the findings of the last import came from: a build, a state file, Security Hub, or
 *     "none" (dry run, archiving off)
 */
public record TrivyScanResult(String repository, Map<String, Long> severityCounts, int total, int imported,
                              List<Map<String, Object>> failed, int archived, boolean gatePassed,
                              List<String> gatingIds, List<String> gatingIssues, boolean markUnstable,
                              String consoleUrl, boolean dryRun, long apiCalls, long importCalls, long passedChecks,
                              int archivedEarlierRule, String earlierState)
        implements StageResult {

    @Override
    public Map<String, Object> toMap() {
        return PlainValues.map()
                .put("repository", repository)
                .put("counts", severityCounts).put("total", total).put("imported", imported)
                .put("failedCount", failed.size()).put("failed", failed).put("archived", archived)
                .put("gate", gatePassed ? "PASSED" : "FAILED").put("gatePassed", gatePassed)
                .put("gatingFindingIds", gatingIds).put("gatingIssues", gatingIssues)
                .put("passedChecks", passedChecks).put("archivedEarlierRule", archivedEarlierRule)
                .put("earlierState", earlierState)
                .put("securityHubUrl", consoleUrl).put("dryRun", dryRun).put("apiCalls", apiCalls)
                .build();
    }
}
