package io.jenkins.plugins.awsdelivery.config;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import java.io.IOException;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * Asks an administrator to choose whether builds may act as the controller's own AWS and Kubernetes identity, on
 * an installation that may have relied on it: a configuration saved before the choice existed, or a build refused
 * since. Until then builds without a credential are refused, loudly, rather than silently given the controller's
 * identity.
 */
@Extension
@Symbol("awsDeliveryStagesControllerIdentity")
public class ControllerIdentityMonitor extends AdministrativeMonitor {

    @Override
    public String getDisplayName() {
        return "AWS Delivery Stages: builds and the controller's own identity";
    }

    @Override
    public boolean isSecurity() {
        return true;
    }

    @Override
    public boolean isActivated() {
        return AwsDeliveryStagesConfiguration.get().isIdentityDecisionPending();
    }

    /** The build last refused, for the message; null when the monitor shows for an old configuration. */
    public String getRefusedBuild() {
        return AwsDeliveryStagesConfiguration.get().getRefusedBuild();
    }

    /** The message's buttons: {@code allow} lets builds use the controller's identities as before, {@code keep} keeps them off. */
    @RequirePOST
    public void doAct(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (req.hasParameter("allow")) {
            AwsDeliveryStagesConfiguration.get().decideIdentity(true);
        } else if (req.hasParameter("keep")) {
            AwsDeliveryStagesConfiguration.get().decideIdentity(false);
        }
        rsp.sendRedirect(req.getContextPath() + "/manage/configure#awsDeliveryStages");
    }
}
