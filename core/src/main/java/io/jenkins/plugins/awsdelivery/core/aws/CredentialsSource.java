package io.jenkins.plugins.awsdelivery.core.aws;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the base AWS credentials come from. An {@link AssumeRole} may be layered on top of any of them.
 * {@code toString()} never shows a secret.
 */
public sealed interface CredentialsSource {

    /** A short description for logs, without secrets. */
    String describe();

    /** The SDK's default chain: environment, system properties, profile, container and instance roles. */
    record DefaultChain() implements CredentialsSource {
        @Override
        public String describe() {
            return "the default credentials chain";
        }
    }

    /** An access key pair, with a session token for temporary credentials. */
    record StaticKeys(String accessKeyId, String secretAccessKey, String sessionToken) implements CredentialsSource {
        public StaticKeys {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        public StaticKeys(String accessKeyId, String secretAccessKey) {
            this(accessKeyId, secretAccessKey, null);
        }

        @Override
        public String describe() {
            return "access key " + maskedKeyId(accessKeyId) + (sessionToken == null ? "" : " with a session token");
        }

        @Override
        public String toString() {
            return "StaticKeys[" + describe() + "]";
        }

        static String maskedKeyId(String id) {
            return id.length() <= 4 ? "****" : "****" + id.substring(id.length() - 4);
        }
    }

    /** A profile of the shared config and credentials files. */
    record NamedProfile(String profileName) implements CredentialsSource {
        public NamedProfile {
            Objects.requireNonNull(profileName, "profileName");
        }

        @Override
        public String describe() {
            return "profile '" + profileName + "'";
        }
    }

    /** OIDC web identity (EKS IRSA, GitHub/GitLab tokens): AssumeRoleWithWebIdentity with a token file. */
    record WebIdentity(String roleArn, Path tokenFile, String sessionName) implements CredentialsSource {
        public WebIdentity {
            Objects.requireNonNull(roleArn, "roleArn");
            Objects.requireNonNull(tokenFile, "tokenFile");
        }

        @Override
        public String describe() {
            return "web identity token " + tokenFile + " for role " + roleArn;
        }
    }

    /**
     * A credentials provider that refreshes itself (a Jenkins AWS credential that assumes a role, say), for clients
     * that live for hours such as a Spot cloud's. Not serializable: steps keep credential IDs instead.
     */
    record Provider(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider provider, String description)
            implements CredentialsSource {
        public Provider {
            Objects.requireNonNull(provider, "provider");
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return "Provider[" + description + "]";
        }
    }
}
