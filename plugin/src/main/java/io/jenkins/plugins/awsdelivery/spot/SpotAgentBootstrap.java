package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.UnprotectedRootAction;
import hudson.security.csrf.CrumbExclusion;
import hudson.slaves.Cloud;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer;
import io.jenkins.plugins.awsdelivery.core.spot.AgentUserData;
import io.jenkins.plugins.awsdelivery.core.spot.SourceRateLimit;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code POST /aws-spot-agent/secret}: where a freshly booted Spot instance gets its inbound agent secret, once.
 * It has no Jenkins user, so the endpoint is unprotected and outside CSRF protection; core's
 * {@code AgentSecretIssuer} decides from the instance identity document EC2 signed for the instance. The source
 * address (which forwarded headers set) only feeds a rate limit, over which the answer is 429 (retry). Every
 * refusal, an unknown cloud included, is the same 403. The uptimes a boot script reports only feed the boot-time
 * breakdown on the cloud's page.
 */
@Extension
public final class SpotAgentBootstrap implements UnprotectedRootAction {

    private static final Logger LOGGER = Logger.getLogger(SpotAgentBootstrap.class.getName());
    static final String URL = "aws-spot-agent";
    /** Requests naming no running Spot cloud: limited like a cloud's own ({@link AgentSecretIssuer#rateLimit()}). */
    private static final SourceRateLimit UNKNOWN_CLOUDS = AgentSecretIssuer.rateLimit();

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
    public HttpResponse doSecret(StaplerRequest2 req, @QueryParameter String cloud, @QueryParameter String document,
                                 @QueryParameter String pkcs7, @QueryParameter String rsa2048,
                                 @QueryParameter String uptimeAtStart, @QueryParameter String uptimeAtRequest) {
        Cloud c = cloud == null ? null : Jenkins.get().getCloud(cloud);
        AgentSecretIssuer.Answer answer;
        if (c instanceof SpotCloud spot) {
            answer = spot.getRuntime().agentSecret(new AgentSecretIssuer.SecretRequest(req.getRemoteAddr(), document,
                    pkcs7, rsa2048, uptimeAtStart, uptimeAtRequest));
        } else if (!UNKNOWN_CLOUDS.allow(req.getRemoteAddr(), Instant.now())) {
            // Rate-limited as a cloud's own requests are, so a 429 does not tell which cloud names exist.
            answer = new AgentSecretIssuer.Answer.SlowDown(req.getRemoteAddr());
        } else {
            LOGGER.log(Level.FINE, "Refused an agent secret: no Spot cloud named {0}", cloud);
            answer = new AgentSecretIssuer.Answer.Refused(AgentSecretIssuer.Refusal.NOT_LAUNCHING, "no such cloud");
        }
        return plain(answer.status(), answer.body());
    }

    private static HttpResponse plain(int status, String body) {
        return new HttpResponse() {
            @Override
            public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node) throws IOException {
                rsp.setStatus(status);
                rsp.setContentType("text/plain;charset=UTF-8");
                rsp.setHeader("Cache-Control", "no-store");
                if (status == 503 || status == 429) {
                    // The boot scripts back off on their own (1, 2, 4, 8, then 10 s); this is for other clients.
                    rsp.setHeader("Retry-After", status == 503 ? "2" : "1");
                }
                rsp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            }
        };
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
