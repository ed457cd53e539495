package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.net.URI;

/**
 * The boot script of an inbound agent: it reads its instance ID, its signed instance identity document and the
 * document's PKCS7 signatures from IMDSv2, downloads {@code agent.jar} from the controller while it asks the
 * controller for its secret with the signed document (see {@link AgentSecretIssuer}), and once more after it should
 * that download fail. It retries with a short backoff while its agent is being added or the controller asks it to
 * slow down, writes the secret to a file only root can read, and connects over WebSocket with {@code -secret @file},
 * so the secret is never on a command line. With the request it reports its uptime when it started and when it
 * asks ({@link BootReport}), for the boot-time breakdown on the cloud's page. Agents work in private subnets with no
 * SSH key and no inbound port. The AMI needs Java and curl.
 */
public final class AgentUserData {

    /** The path under the controller's URL that hands out agent secrets. */
    public static final String SECRET_PATH = "aws-spot-agent/secret";

    private AgentUserData() {}

    /**
     * @param extraScript the user's own commands, run as root before the agent starts (may be empty); it is part
     *                    of the instance's user data, which anyone allowed ec2:DescribeInstanceAttribute can read
     */
    public static String render(String controllerUrl, String cloudName, String remoteFs, String jvmOptions,
                                String extraScript) {
        String url = controllerUrl(controllerUrl);
        String imds = "curl -sf -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/";
        return "#!/bin/bash\n"
                + "# Jenkins Spot agent bootstrap written by aws-delivery-stages for cloud " + cloudName + "\n"
                + "set -euo pipefail\n"
                + "UPTIME_AT_START=$(cut -d' ' -f1 /proc/uptime)\n"
                + "JENKINS_URL=" + quote(url) + "\n"
                + "AGENT_DIR=" + quote(remoteFs) + "\n"
                + "TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token"
                + " -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')\n"
                + "INSTANCE_ID=$(" + imds + "meta-data/instance-id)\n"
                + "DOCUMENT=$(" + imds + "dynamic/instance-identity/document)\n"
                + "PKCS7=$(" + imds + "dynamic/instance-identity/pkcs7)\n"
                + "RSA2048=$(" + imds + "dynamic/instance-identity/rsa2048 || true)\n"
                + (extraScript == null || extraScript.isBlank() ? "" : extraScript.strip() + "\n")
                + "mkdir -p \"$AGENT_DIR\" && cd \"$AGENT_DIR\"\n"
                // agent.jar downloads while the secret is asked for; a failed download stops the script at the wait.
                + "curl -sf --retry 10 --retry-connrefused -o agent.jar \"${JENKINS_URL}jnlpJars/agent.jar\" &\n"
                + "JAR_PID=$!\n"
                + "SECRET_FILE=/root/.jenkins-agent-secret\n"
                + "umask 077\n"
                // Retries after 1, 2, 4, 8, then 10 s (and up to as much again at random), for 15 minutes.
                + "DEADLINE=$((SECONDS + 900))\n"
                + "DELAY=1\n"
                + "while :; do\n"
                + "  STATUS=$(curl -s --connect-timeout 10 --max-time 30 -o \"$SECRET_FILE\" -w '%{http_code}'"
                + " -X POST --data-urlencode "
                + quote("cloud=" + cloudName)
                + " --data-urlencode \"document=$DOCUMENT\" --data-urlencode \"pkcs7=$PKCS7\""
                + " --data-urlencode \"rsa2048=$RSA2048\" --data-urlencode \"uptimeAtStart=$UPTIME_AT_START\""
                + " --data-urlencode \"uptimeAtRequest=$(cut -d' ' -f1 /proc/uptime)\""
                + " \"${JENKINS_URL}" + SECRET_PATH + "\" || echo 000)\n"
                + "  case \"$STATUS\" in\n"
                + "    200) break ;;\n"
                + "    403) echo \"The controller refused the agent secret of $INSTANCE_ID\" >&2;"
                + " rm -f \"$SECRET_FILE\"; kill \"$JAR_PID\" 2>/dev/null || true; exit 1 ;;\n"
                + "  esac\n"
                + "  rm -f \"$SECRET_FILE\"\n"
                + "  if [ \"$SECONDS\" -ge \"$DEADLINE\" ]; then\n"
                + "    echo \"No agent secret for $INSTANCE_ID after 15 minutes (last answer: HTTP $STATUS)\" >&2;"
                + " kill \"$JAR_PID\" 2>/dev/null || true; exit 1\n"
                + "  fi\n"
                + "  sleep $((DELAY + RANDOM % DELAY))\n"
                + "  DELAY=$((DELAY < 8 ? DELAY * 2 : 10))\n"
                + "done\n"
                + "test -s \"$SECRET_FILE\" || { echo \"The controller sent $INSTANCE_ID an empty secret\" >&2;"
                + " exit 1; }\n"
                // The secret is spent now: a failed background download gets one more full try before giving up.
                + "wait \"$JAR_PID\" || curl -sf --retry 10 --retry-connrefused -o agent.jar"
                + " \"${JENKINS_URL}jnlpJars/agent.jar\"\n"
                + "exec java " + (jvmOptions == null ? "" : jvmOptions.strip() + " ")
                + "-jar agent.jar -url \"$JENKINS_URL\" -name \"$INSTANCE_ID\" -secret \"@$SECRET_FILE\" -webSocket"
                + " -workDir \"$AGENT_DIR\"\n";
    }

    /**
     * The boot script for a template's platform: {@link #render} for Linux, the PowerShell bootstrap of
     * {@link WindowsAgentUserData#render} (same parameters) for Windows; a blank {@code remoteFs} is the platform's
     * default directory ({@link AgentPlatform#defaultRemoteFs()}).
     */
    public static String forTemplate(AgentPlatform platform, String controllerUrl, String cloudName, String remoteFs,
                                     String jvmOptions, String extraScript) {
        AgentPlatform p = platform == null ? AgentPlatform.LINUX : platform;
        String dir = remoteFs == null || remoteFs.isBlank() ? p.defaultRemoteFs() : remoteFs.trim();
        return switch (p) {
            case LINUX -> render(controllerUrl, cloudName, dir, jvmOptions, extraScript);
            case WINDOWS -> WindowsAgentUserData.render(controllerUrl, cloudName, dir, jvmOptions, extraScript);
        };
    }

    /** The Jenkins URL agents connect to, ending with '/'; refused when it is not set or not a URL. */
    static String controllerUrl(String controllerUrl) {
        if (controllerUrl == null || controllerUrl.isBlank()) {
            throw StageException.invalidInput("The Jenkins URL is not set, so agents cannot find the controller.",
                    "Set the Jenkins URL in Manage Jenkins > System.");
        }
        String url = controllerUrl.endsWith("/") ? controllerUrl : controllerUrl + "/";
        URI.create(url);
        return url;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
