package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A role to assume through STS on top of the base credentials.
 *
 * @param roleArn the role
 * @param externalId the external ID the role's trust policy asks for, or null
 * @param sessionName the role session name (shows in CloudTrail)
 * @param duration how long the session lasts, 900 s to 12 h; the SDK refreshes it before it expires
 */
public record AssumeRole(String roleArn, String externalId, String sessionName, Duration duration) {

    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(3600);
    public static final String DEFAULT_SESSION_NAME = "aws-delivery-stages";

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    public AssumeRole {
        if (roleArn == null || !ROLE_ARN.matcher(roleArn.trim()).matches()) {
            throw StageException.invalidInput("'" + roleArn + "' is not an IAM role ARN.",
                    "Use the form arn:aws:iam::123456789012:role/RoleName.");
        }
        roleArn = roleArn.trim();
        externalId = externalId == null || externalId.isBlank() ? null : externalId;
        sessionName = sessionName == null || sessionName.isBlank() ? DEFAULT_SESSION_NAME : sessionName;
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw StageException.invalidInput("Role session name '" + sessionName + "' is not valid.",
                    "Use 2 to 64 characters: letters, digits and +=,.@_-");
        }
        duration = duration == null ? DEFAULT_DURATION : duration;
        if (duration.compareTo(Duration.ofMinutes(15)) < 0 || duration.compareTo(Duration.ofHours(12)) > 0) {
            throw StageException.invalidInput("Role session duration " + duration.toSeconds() + " s is out of range.",
                    "Use 900 to 43200 seconds (and no more than the role's maximum session duration).");
        }
    }

    public static AssumeRole of(String roleArn) {
        return new AssumeRole(roleArn, null, null, null);
    }

    /** Turns a Jenkins build or job name into a valid session name. */
    public static String sessionNameFrom(String text) {
        String s = text == null ? "" : text.replaceAll("[^\\w+=,.@-]", "-");
        if (s.length() < 2) {
            return DEFAULT_SESSION_NAME;
        }
        return s.length() > 64 ? s.substring(s.length() - 64) : s;
    }

    @Override
    public String toString() {
        return "AssumeRole[" + roleArn + (externalId == null ? "" : ", with external ID") + ", session " + sessionName
                + ", " + duration.toSeconds() + " s]";
    }
}
