package io.jenkins.plugins.awsdelivery.steps;

import hudson.Util;
import io.jenkins.plugins.awsdelivery.aws.AwsConnection;
import java.io.Serializable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Base of the Pipeline steps that call AWS: the optional connection parameters every such step takes. Each
 * falls back to the global default (Manage Jenkins » System » AWS Delivery Stages); the region then to the
 * controller's AWS_REGION. Credentials fall back to the controller's own identity only where an administrator
 * allows it.
 */
public abstract class AwsStep extends Step implements Serializable {

    private static final long serialVersionUID = 1L;

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

    /** The connection parameters, to keep in a step execution. */
    public AwsConnection connection() {
        return new AwsConnection(credentialsId, region, roleArn, externalId)
                .forStep(getDescriptor().getFunctionName());
    }
}
