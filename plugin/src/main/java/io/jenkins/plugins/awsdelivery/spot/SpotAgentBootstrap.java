package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.UnprotectedRootAction;
import hudson.security.csrf.CrumbExclusion;
import hudson.slaves.Cloud;
import io.jenkins.plugins.awsdelivery.core.spot.AgentUserData;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code POST /aws-spot-agent/secret}: where a freshly booted Spot instance gets its inbound agent secret, once.
 * It has no Jenkins user, so the endpoint is unprotected and outside CSRF protection; core's
 * {@code AgentBootstrap} decides, from EC2's own answer about the instance and the request's source address.
 */
@Extension
public final class SpotAgentBootstrap implements UnprotectedRootAction {

    static final String URL = "aws-spot-agent";

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return URL;
    }

    @POST
    public HttpResponse doSecret(StaplerRequest2 req, @QueryParameter String cloud,
                                 @QueryParameter String instanceId) {
        Cloud c = cloud == null ? null : Jenkins.get().getCloud(cloud);
        if (!(c instanceof SpotCloud spot)) {
            return HttpResponses.errorWithoutStack(404, "No Spot cloud named " + cloud);
        }
        return spot.getRuntime().agentSecret(instanceId, req.getRemoteAddr());
    }

    /** Instances post without a crumb. */
    @Extension
    public static final class NoCrumb extends CrumbExclusion {
        @Override
        public boolean process(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String path = request.getPathInfo();
            if (path != null && path.equals("/" + AgentUserData.SECRET_PATH)) {
                chain.doFilter(request, response);
                return true;
            }
            return false;
        }
    }
}
