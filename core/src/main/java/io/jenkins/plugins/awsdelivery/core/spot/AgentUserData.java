package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.net.URI;

/**
 * The boot script of an inbound agent: it reads its instance ID from IMDSv2, downloads {@code agent.jar} from the
 * controller, asks the controller for its secret once (see {@link AgentBootstrap}), and connects over WebSocket,
 * so agents work in private subnets with no SSH key and no inbound port. The AMI needs Java and curl.
 */
public final class AgentUserData {

    /** The path under the controller's URL that hands out agent secrets. */
    public static final String SECRET_PATH = "aws-spot-agent/secret";

    private AgentUserData() {}

    /**
     * @param extraScript the user's own commands, run as root before the agent starts (may be empty)
     */
    public static String render(String controllerUrl, String cloudName, String remoteFs, String jvmOptions,
                                String extraScript) {
        if (controllerUrl == null || controllerUrl.isBlank()) {
            throw StageException.invalidInput("The Jenkins URL is not set, so agents cannot find the controller.",
                    "Set the Jenkins URL in Manage Jenkins > System.");
        }
        String url = controllerUrl.endsWith("/") ? controllerUrl : controllerUrl + "/";
        URI.create(url);
        return "#!/bin/bash\n"
                + "# Jenkins Spot agent bootstrap written by aws-delivery-stages for cloud " + cloudName + "\n"
                + "set -euo pipefail\n"
                + "JENKINS_URL=" + quote(url) + "\n"
                + "AGENT_DIR=" + quote(remoteFs) + "\n"
                + "TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token"
                + " -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')\n"
                + "INSTANCE_ID=$(curl -sf -H \"X-aws-ec2-metadata-token: $TOKEN\""
                + " http://169.254.169.254/latest/meta-data/instance-id)\n"
                + (extraScript == null || extraScript.isBlank() ? "" : extraScript.strip() + "\n")
                + "mkdir -p \"$AGENT_DIR\" && cd \"$AGENT_DIR\"\n"
                + "curl -sf --retry 10 --retry-connrefused -o agent.jar \"${JENKINS_URL}jnlpJars/agent.jar\"\n"
                + "SECRET=$(curl -sf --retry 5 -X POST --data-urlencode " + quote("cloud=" + cloudName)
                + " --data-urlencode \"instanceId=$INSTANCE_ID\" \"${JENKINS_URL}" + SECRET_PATH + "\")\n"
                + "exec java " + (jvmOptions == null ? "" : jvmOptions.strip() + " ")
                + "-jar agent.jar -url \"$JENKINS_URL\" -name \"$INSTANCE_ID\" -secret \"$SECRET\" -webSocket"
                + " -workDir \"$AGENT_DIR\"\n";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
