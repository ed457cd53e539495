package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import java.io.Serializable;
import java.time.Instant;

/**
 * Where a gate stands, small and serializable: a Jenkins step execution persists it after every poll, and a
 * resumed build goes on from it without importing or starting an assessment a second time.
 *
 * @param phase IMPORTING while the draft version imports resources, ASSESSING while the assessment runs
 * @param startedAt when the gate began (the wait's deadline counts from here)
 * @param appName the application's name, for messages
 * @param lastStatus the last import or assessment status seen, to notice progress
 * @param assessmentArn the assessment awaited; null while importing
 * @param published true when this gate published a new application version
 * @param publishedVersion the version identifier this gate published; empty when it published none
 * @param reused true when the assessment is an earlier one of the same published version
 * @param quotaUsed assessments of the application started this month, this gate's included
 * @param lastSuccessArn the newest successful assessment before this gate, a candidate for reuse; null if none
 * @param lastSuccessStart when that assessment started; null if none
 */
public record ResilienceHubProgress(Phase phase, Instant startedAt, String appName, String lastStatus,
                                    String assessmentArn, boolean published, String publishedVersion,
                                    boolean reused, int quotaUsed, String lastSuccessArn,
                                    Instant lastSuccessStart) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The wait the gate is in. */
    public enum Phase { IMPORTING, ASSESSING }

    public ResilienceHubProgress {
        lastStatus = lastStatus == null ? "" : lastStatus;
        publishedVersion = publishedVersion == null ? "" : publishedVersion;
    }

    ResilienceHubProgress withStatus(String status) {
        return new ResilienceHubProgress(phase, startedAt, appName, status, assessmentArn, published,
                publishedVersion, reused, quotaUsed, lastSuccessArn, lastSuccessStart);
    }

    ResilienceHubProgress published(String version) {
        return new ResilienceHubProgress(phase, startedAt, appName, lastStatus, assessmentArn, true, version,
                reused, quotaUsed, lastSuccessArn, lastSuccessStart);
    }

    ResilienceHubProgress assessing(String arn, boolean isReused, int quota) {
        return new ResilienceHubProgress(Phase.ASSESSING, startedAt, appName, "", arn, published, publishedVersion,
                isReused, quota, lastSuccessArn, lastSuccessStart);
    }
}
