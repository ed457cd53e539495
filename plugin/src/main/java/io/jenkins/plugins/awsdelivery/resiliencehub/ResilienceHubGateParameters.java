package io.jenkins.plugins.awsdelivery.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.AssessmentName;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.EksSource;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import java.util.List;

/** The parameters the Pipeline step and the freestyle build step share, and the one way they become a request. */
interface ResilienceHubGateParameters {

    String getAppArn();

    List<String> getStackArns();

    List<String> getTerraformStateFiles();

    List<String> getEksSources();

    String getImportStrategy();

    String getAssessmentName();

    String getTimeout();

    String getPollInterval();

    String getOnBreach();

    String getOnMissingPolicy();

    boolean isForceAssessment();

    /** List parameters that forms show as comma- or space-separated text. */
    String[] LIST_FIELDS = {"stackArns", "terraformStateFiles"};

    /**
     * @param job the job's full name, for the default assessment name
     * @param build the build number, for the default assessment name
     * @throws io.jenkins.plugins.awsdelivery.core.StageException when a parameter is invalid
     */
    default ResilienceHubGateRequest toRequest(String job, long build) {
        String name = getAssessmentName() == null ? AssessmentName.forBuild(job, build) : getAssessmentName();
        return ResilienceHubGateRequest.builder(getAppArn(), name)
                .stackArns(getStackArns()).terraformStateFiles(getTerraformStateFiles())
                .eksSources(getEksSources().stream().map(EksSource::parse).toList())
                .importStrategy(ResilienceHubGateRequest.importStrategy(getImportStrategy()))
                .timeout(getTimeout() == null ? null : DurationText.parse("timeout", getTimeout()))
                .pollInterval(getPollInterval() == null ? null : DurationText.parse("pollInterval", getPollInterval()))
                .onBreach(ResilienceHubGateRequest.action("onBreach", getOnBreach()))
                .onMissingPolicy(ResilienceHubGateRequest.action("onMissingPolicy", getOnMissingPolicy()))
                .forceAssessment(isForceAssessment())
                .build();
    }
}
