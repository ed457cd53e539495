package io.jenkins.plugins.awsdelivery.ecs;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest;
import java.util.List;

/** The parameters the Pipeline step and the freestyle build step share, and the one way they become a request. */
interface EcsDeployParameters {

    String getCluster();

    String getService();

    String getImage();

    String getTaskDefinition();

    boolean isForceNewDeployment();

    Integer getDesiredCount();

    boolean isWait();

    String getTimeout();

    boolean isRollbackOnTimeout();

    String getMinPollInterval();

    String getMaxPollInterval();

    boolean isRequireDigest();

    /** @throws io.jenkins.plugins.awsdelivery.core.StageException when a parameter is invalid */
    default EcsDeployRequest toRequest() {
        return new EcsDeployRequest(getCluster(), getService(),
                EcsDeployRequest.parseImages(getImage() == null ? List.of() : List.of(getImage())),
                getTaskDefinition(), isForceNewDeployment(), getDesiredCount(), isWait(),
                getTimeout() == null ? null : DurationText.parse("timeout", getTimeout()), isRollbackOnTimeout(),
                getMinPollInterval() == null ? null : DurationText.parse("minPollInterval", getMinPollInterval()),
                getMaxPollInterval() == null ? null : DurationText.parse("maxPollInterval", getMaxPollInterval()))
                .withRequireDigest(isRequireDigest());
    }
}
