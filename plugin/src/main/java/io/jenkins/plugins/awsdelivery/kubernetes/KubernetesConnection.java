package io.jenkins.plugins.awsdelivery.kubernetes;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.springframework.security.core.Authentication;

/**
 * How a Kubernetes step reaches its cluster, resolved from credentials at the time of use: a kubeconfig file
 * credential (with an optional context), a secret text credential holding a service account token (with the server
 * URL and CA certificate), or, without a credential and only where an administrator allows it, the controller's own
 * in-cluster service account. Only IDs and plain settings are kept, so it can be persisted with a step execution.
 */
public final class KubernetesConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String context;
    private final String serverUrl;
    private final String caCertificate;

    public KubernetesConnection(String credentialsId, String context, String serverUrl, String caCertificate) {
        this.credentialsId = credentialsId;
        this.context = context;
        this.serverUrl = serverUrl;
        this.caCertificate = caCertificate;
    }

    /** Settings for core, and the secrets to mask in the build log. */
    public record Resolved(KubernetesSettings settings, List<String> secrets) {}

    /**
     * The settings for this build. Without a credential that is the controller's own service account, which the
     * global configuration must allow builds to use.
     */
    public Resolved resolve(Run<?, ?> run) {
        if (credentialsId == null) {
            AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
            try {
                global.identityPolicy().checkKubernetes("pxSnapshot", false);
            } catch (StageException e) {
                global.refused(run);
                throw e;
            }
            return new Resolved(new KubernetesSettings.InCluster(null), List.of());
        }
        StandardCredentials c = CredentialsProvider.findCredentialById(credentialsId, StandardCredentials.class, run,
                List.of());
        if (c == null) {
            throw StageException.invalidInput("Credential '" + credentialsId + "' was not found.",
                    "Give the ID of a kubeconfig file credential or a secret text credential with a service account "
                            + "token that this job may use.");
        }
        CredentialsProvider.track(run, c);
        if (c instanceof FileCredentials file) {
            try (InputStream in = file.getContent()) {
                String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Resolved(new KubernetesSettings.Kubeconfig(content, null, context, null), List.of());
            } catch (IOException e) {
                throw StageException.invalidInput("Cannot read the kubeconfig credential '" + credentialsId + "': "
                        + e.getMessage(), "Upload the kubeconfig file again.");
            }
        }
        if (c instanceof StringCredentials token) {
            if (serverUrl == null) {
                throw StageException.invalidInput("Credential '" + credentialsId + "' is a token, but no serverUrl "
                        + "was given.", "Give the API server URL (serverUrl) and its CA certificate (caCertificate).");
            }
            String secret = token.getSecret().getPlainText().strip();
            return new Resolved(new KubernetesSettings.Token(serverUrl, secret, caCertificate, null), List.of(secret));
        }
        throw StageException.invalidInput("Credential '" + credentialsId + "' is a " + c.getClass().getSimpleName()
                        + ", not a kubeconfig file or a token.",
                "Use a 'Secret file' credential holding a kubeconfig, or a 'Secret text' credential holding a "
                        + "service account token.");
    }

    /**
     * The credentials a job may pick: secret files (kubeconfigs) and secret texts (tokens), as the job's builds
     * see them (the task's authentication, so that with Authorize Project only usable IDs are offered).
     */
    public static ListBoxModel fillCredentialsIdItems(Item item, String credentialsId) {
        StandardListBoxModel model = new StandardListBoxModel();
        if (item == null ? !Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : !item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
            model.includeCurrentValue(credentialsId);
            return model;
        }
        model.includeEmptyValue();
        Authentication auth = AwsCredentialsLookup.authenticationOf(item);
        if (item == null) {
            model.includeAs(auth, Jenkins.get(), FileCredentials.class, List.of());
            model.includeAs(auth, Jenkins.get(), StringCredentials.class, List.of());
        } else {
            model.includeAs(auth, item, FileCredentials.class, List.of());
            model.includeAs(auth, item, StringCredentials.class, List.of());
        }
        return model.includeCurrentValue(credentialsId);
    }
}
