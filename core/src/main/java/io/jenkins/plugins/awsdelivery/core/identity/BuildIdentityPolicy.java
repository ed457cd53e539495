package io.jenkins.plugins.awsdelivery.core.identity;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which cloud identities a build may act as. The controller's own AWS identity (its instance profile, IRSA role or
 * environment keys) and its own Kubernetes service account belong to the controller: a build may use them only when
 * an administrator opts in. A step that names a role may assume it only when the role matches the administrator's
 * allow-list (when there is one).
 *
 * @param controllerAwsIdentity builds may fall back to the controller's default AWS credentials chain
 * @param controllerKubernetesIdentity builds may fall back to the controller's in-cluster service account
 * @param allowedRoleArns patterns of role ARNs a step may assume ({@code *} matches any characters); empty: any
 */
public record BuildIdentityPolicy(boolean controllerAwsIdentity, boolean controllerKubernetesIdentity,
                                  List<String> allowedRoleArns) {

    /** Where the settings live, for messages: the Jenkins global configuration section. */
    public static final String SETTINGS = "Manage Jenkins » System » AWS Delivery Stages";

    private static final Pattern PATTERN_SHAPE = Pattern.compile("arn:(\\*|aws[a-z-]*):iam::(\\*|\\d{12}):role/.+");

    public BuildIdentityPolicy {
        allowedRoleArns = List.copyOf(allowedRoleArns == null ? List.of() : allowedRoleArns);
        allowedRoleArns.forEach(BuildIdentityPolicy::requireValidPattern);
    }

    /** The secure default: no controller identity, any role (that a build's own credential can assume). */
    public static BuildIdentityPolicy strict() {
        return new BuildIdentityPolicy(false, false, List.of());
    }

    /**
     * Checks an AWS step's connection before any call.
     *
     * @param step the step's name, for the message ({@code ecsForceDeploy})
     * @param hasCredential the step or the global configuration names a Jenkins credential
     * @param stepRoleArn the role the step itself asks for, or null (the global default role is the administrator's
     *     own choice and is not checked)
     * @throws StageException naming the setting or credential to add
     */
    public void checkAws(String step, boolean hasCredential, String stepRoleArn) {
        if (!hasCredential && !controllerAwsIdentity) {
            throw StageException.invalidInput(step + " has no AWS credential: neither the step's credentialsId nor "
                    + "the default credentials in " + SETTINGS + " name one, and builds may not use the controller's "
                    + "own AWS identity.", "Give the step a credentialsId (an AWS credential in this job's folder), "
                    + "or ask an administrator to set the default credentials or to tick \"Builds may use the "
                    + "controller's own AWS identity\" there.");
        }
        if (stepRoleArn != null && !roleAllowed(stepRoleArn)) {
            throw StageException.invalidInput(step + " asks for role " + stepRoleArn + ", which the allowed role "
                    + "ARNs in " + SETTINGS + " do not include (" + String.join(", ", allowedRoleArns) + ").",
                    "Use one of the allowed roles, or ask an administrator to add this one.");
        }
    }

    /**
     * Checks a Jenkins AWS credential that a step names itself, before the credential is used. A credential without
     * an access key that assumes a role assumes it with the controller's own AWS identity (the aws-credentials
     * plugin delegates to the instance profile), and the role it assumes must be one a step may assume.
     *
     * @param withoutKeys the credential holds no access key
     * @param credentialRoleArn the role the credential assumes, or null
     */
    public void checkCredentialRole(String step, String credentialsId, boolean withoutKeys, String credentialRoleArn) {
        if (credentialRoleArn == null || credentialRoleArn.isBlank()) {
            return;
        }
        if (withoutKeys && !controllerAwsIdentity) {
            throw StageException.invalidInput(step + " uses the AWS credential '" + credentialsId + "', which has no "
                    + "access key and assumes " + credentialRoleArn + " with the controller's own AWS identity; builds "
                    + "may not use that identity.", "Give the credential an access key, or ask an administrator to "
                    + "tick \"Builds may use the controller's own AWS identity\" in " + SETTINGS + ".");
        }
        if (!roleAllowed(credentialRoleArn)) {
            throw StageException.invalidInput(step + " uses the AWS credential '" + credentialsId + "', which assumes "
                    + "role " + credentialRoleArn + "; the allowed role ARNs in " + SETTINGS + " do not include it ("
                    + String.join(", ", allowedRoleArns) + ").", "Use a credential whose role is allowed, or ask an "
                    + "administrator to add this one.");
        }
    }

    /**
     * Checks a Kubernetes step's connection before any call.
     *
     * @param hasCredential the step names a kubeconfig or token credential
     */
    public void checkKubernetes(String step, boolean hasCredential) {
        if (!hasCredential && !controllerKubernetesIdentity) {
            throw StageException.invalidInput(step + " has no Kubernetes credential, and builds may not use the "
                    + "controller's own Kubernetes service account.", "Give the step a credentialsId (a secret file "
                    + "credential holding a kubeconfig, or a secret text credential holding a service account "
                    + "token), or ask an administrator to tick \"Builds may use the controller's own Kubernetes "
                    + "identity\" in " + SETTINGS + ".");
        }
    }

    /** Whether a step may assume this role: always when there is no allow-list. */
    public boolean roleAllowed(String roleArn) {
        if (allowedRoleArns.isEmpty()) {
            return true;
        }
        String arn = roleArn.trim();
        return allowedRoleArns.stream().anyMatch(p -> toRegex(p).matcher(arn).matches());
    }

    /**
     * Parses an allow-list written one pattern per line (or comma-separated), skipping blank lines.
     *
     * @throws StageException naming the first pattern that is not a role ARN pattern
     */
    public static List<String> parsePatterns(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("[,\\r\\n]+")) {
            String p = line.trim();
            if (!p.isEmpty()) {
                requireValidPattern(p);
                out.add(p);
            }
        }
        return out;
    }

    /** @throws StageException when {@code pattern} is not a role ARN with optional {@code *} wildcards */
    public static void requireValidPattern(String pattern) {
        if (pattern == null || !PATTERN_SHAPE.matcher(pattern.trim()).matches()) {
            throw StageException.invalidInput("Allowed role ARN '" + pattern + "' is not a role ARN pattern.",
                    "Write it as arn:aws:iam::123456789012:role/deploy-*, with * for any characters.");
        }
    }

    private static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.trim().split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}
