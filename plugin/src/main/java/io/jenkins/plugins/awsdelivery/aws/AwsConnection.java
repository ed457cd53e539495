package io.jenkins.plugins.awsdelivery.aws;

import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A step's own AWS parameters, kept with the step execution so that a resumed wait can rebuild its clients. Holds
 * only IDs and names, never a secret.
 */
public final class AwsConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String region;
    private final String roleArn;
    private final String externalId;

    public AwsConnection(String credentialsId, String region, String roleArn, String externalId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
        this.region = Util.fixEmptyAndTrim(region);
        this.roleArn = Util.fixEmptyAndTrim(roleArn);
        this.externalId = Util.fixEmptyAndTrim(externalId);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getRegion() {
        return region;
    }

    public String getRoleArn() {
        return roleArn;
    }

    public String getExternalId() {
        return externalId;
    }

    /**
     * The settings for this build: the step's parameters over the global defaults over the controller's
     * environment (core's {@link AwsSettings#resolve} applies the precedence).
     */
    public ResolvedAws resolve(Run<?, ?> run, TaskListener listener) throws AbortException {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        List<String> secrets = new ArrayList<>();
        AwsSettings.Layer step = AwsSettings.Layer.EMPTY.withRegion(region).withRole(roleArn, externalId);
        if (credentialsId != null) {
            AwsCredentialsLookup.Resolved c = AwsCredentialsLookup.forBuild(credentialsId, run);
            step = step.withCredentials(c.source());
            secrets.addAll(c.secrets());
        }
        AwsSettings.Layer defaults = AwsSettings.Layer.EMPTY.withRegion(global.getDefaultRegion())
                .withRole(global.getDefaultRoleArn(), global.getDefaultExternalId())
                .withEndpoint(global.getEndpointOverride() == null ? null : URI.create(global.getEndpointOverride()));
        if (credentialsId == null && global.getDefaultCredentialsId() != null) {
            AwsCredentialsLookup.Resolved c = AwsCredentialsLookup.forBuild(global.getDefaultCredentialsId(), run);
            defaults = defaults.withCredentials(c.source());
            secrets.addAll(c.secrets());
        }
        if (roleArn != null || global.getDefaultRoleArn() != null) {
            String session = AssumeRole.sessionNameFrom(run.getParent().getFullName() + "-" + run.getNumber());
            step = step.withSession(session, null);
            defaults = defaults.withSession(session, null);
        }
        String envRegion = System.getenv("AWS_REGION");
        try {
            return new ResolvedAws(AwsSettings.resolve(List.of(step, defaults), envRegion), List.copyOf(secrets));
        } catch (io.jenkins.plugins.awsdelivery.core.StageException e) {
            throw new AbortException(e.describe());
        }
    }
}
