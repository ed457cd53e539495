package io.jenkins.plugins.awsdelivery.steps;

import hudson.Util;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import jenkins.tasks.SimpleBuildStep;
import org.kohsuke.stapler.DataBoundSetter;

/** Base of the freestyle build steps that call AWS: the same optional connection parameters as {@link AwsStep}. */
public abstract class AwsBuilder extends Builder implements SimpleBuildStep {

    private String credentialsId;
    private String region;
    private String roleArn;
    private String externalId;

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getRegion() {
        return region;
    }

    @DataBoundSetter
    public void setRegion(String region) {
        this.region = Util.fixEmptyAndTrim(region);
    }

    public String getRoleArn() {
        return roleArn;
    }

    @DataBoundSetter
    public void setRoleArn(String roleArn) {
        this.roleArn = Util.fixEmptyAndTrim(roleArn);
    }

    public String getExternalId() {
        return externalId;
    }

    @DataBoundSetter
    public void setExternalId(String externalId) {
        this.externalId = Util.fixEmptyAndTrim(externalId);
    }

    public AwsConnection connection() {
        return new AwsConnection(credentialsId, region, roleArn, externalId);
    }
}
