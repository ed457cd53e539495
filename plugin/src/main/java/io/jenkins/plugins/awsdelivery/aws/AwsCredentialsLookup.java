package io.jenkins.plugins.awsdelivery.aws;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import io.jenkins.plugins.awsdelivery.core.identity.BuildIdentityPolicy;
import java.util.Collections;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Turns a Jenkins credentials ID into core's {@link CredentialsSource}: an AWS credential (aws-credentials plugin,
 * which may itself assume a role) or a username/password credential holding an access key ID and secret.
 */
public final class AwsCredentialsLookup {

    /** The kinds of credentials an AWS stage accepts. */
    public static final CredentialsMatcher MATCHER = CredentialsMatchers.anyOf(
            CredentialsMatchers.instanceOf(AmazonWebServicesCredentials.class),
            CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class));

    private AwsCredentialsLookup() {}

    /** The credentials with this ID, as visible to the build, recorded as used by it. */
    public static Resolved forBuild(String credentialsId, Run<?, ?> run) throws AbortException {
        return forBuild(credentialsId, run, null, null);
    }

    /**
     * The credentials a step names itself, as visible to the build, checked against the identity policy before
     * they are used: a credential without keys that assumes a role would use the controller's own identity.
     */
    public static Resolved forBuild(String credentialsId, Run<?, ?> run, BuildIdentityPolicy policy, String step)
            throws AbortException {
        StandardCredentials c = CredentialsProvider.findCredentialById(credentialsId, StandardCredentials.class, run,
                Collections.emptyList());
        if (c == null) {
            throw new AbortException("AWS credentials '" + credentialsId + "' were not found for "
                    + run.getFullDisplayName() + ". Check the ID, and that the credential is in a folder or domain "
                    + "this job can use.");
        }
        if (policy != null && c instanceof AWSCredentialsImpl impl) {
            try {
                policy.checkCredentialRole(step, credentialsId, Util.fixEmptyAndTrim(impl.getAccessKey()) == null,
                        Util.fixEmptyAndTrim(impl.getIamRoleArn()));
            } catch (StageException e) {
                throw new AbortException(e.describe());
            }
        }
        CredentialsProvider.track(run, c);
        return resolved(credentialsId, c);
    }

    /**
     * The credentials with this ID in Jenkins' global store, for work that belongs to no build (a cloud). The
     * caller is system code; the form that chose the ID checked Jenkins.ADMINISTER.
     */
    public static Resolved forSystem(String credentialsId) throws AbortException {
        StandardCredentials c = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, Collections.emptyList()),
                CredentialsMatchers.withId(credentialsId));
        if (c == null) {
            throw new AbortException("AWS credentials '" + credentialsId + "' were not found in Jenkins' global "
                    + "credentials. Check the ID.");
        }
        if (c instanceof AmazonWebServicesCredentials aws) {
            // A cloud's clients live for hours: let the credential refresh itself (an assumed role expires).
            return new Resolved(new CredentialsSource.Provider(aws, "Jenkins credentials '" + credentialsId + "'"),
                    List.of());
        }
        return resolved(credentialsId, c);
    }

    private static Resolved resolved(String credentialsId, StandardCredentials c) throws AbortException {
        if (c instanceof AmazonWebServicesCredentials aws) {
            AwsCredentials v2 = aws.resolveCredentials();
            if (v2 == null) {
                throw new AbortException("AWS credentials '" + credentialsId + "' hold neither an access key nor a "
                        + "role to assume. Give the credential an access key and secret key.");
            }
            String token = v2 instanceof AwsSessionCredentials session ? session.sessionToken() : null;
            CredentialsSource source = new CredentialsSource.StaticKeys(v2.accessKeyId(), v2.secretAccessKey(), token);
            return new Resolved(source, secrets(v2.secretAccessKey(), token));
        }
        if (c instanceof StandardUsernamePasswordCredentials up) {
            String secret = up.getPassword().getPlainText();
            return new Resolved(new CredentialsSource.StaticKeys(up.getUsername(), secret), secrets(secret, null));
        }
        throw new AbortException("Credentials '" + credentialsId + "' are a " + c.getClass().getSimpleName()
                + "; an AWS stage needs AWS credentials or a username (access key ID) with password (secret key).");
    }

    /** A credentials source with the secret values it carries, to mask in logs. */
    public record Resolved(CredentialsSource source, List<String> secrets) {}

    private static List<String> secrets(String secret, String token) {
        return token == null ? List.of(secret) : List.of(secret, token);
    }

    /** Choices for the global configuration's credentials list; the caller checks Jenkins.ADMINISTER. */
    public static ListBoxModel listForGlobalConfiguration(String current) {
        return new StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, Collections.emptyList(),
                        MATCHER)
                .includeCurrentValue(current);
    }

    /** Choices for a job's step; the caller checks the item permission. */
    public static ListBoxModel listForItem(Item item, String current) {
        return new StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(authenticationOf(item), item, StandardCredentials.class, Collections.emptyList(),
                        MATCHER)
                .includeCurrentValue(current);
    }

    /**
     * Who the item's builds run as (Authorize Project and the like), so that credential lists offer only IDs a build
     * can use; system for what is not a task (the usual choice of the credentials plugin).
     */
    public static Authentication authenticationOf(Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }
}
