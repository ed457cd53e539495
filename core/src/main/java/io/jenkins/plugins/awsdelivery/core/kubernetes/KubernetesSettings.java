package io.jenkins.plugins.awsdelivery.core.kubernetes;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach a Kubernetes cluster. {@code toString()} never shows a token or a kubeconfig's content.
 */
public sealed interface KubernetesSettings {

    /** The namespace to use when a stage names none; null for the kubeconfig's or the pod's own. */
    String defaultNamespace();

    /** A short description for logs, without secrets. */
    String describe();

    /**
     * A kubeconfig given as text (a Jenkins file credential) or as a path, with an optional context.
     */
    record Kubeconfig(String content, Path path, String context, String defaultNamespace)
            implements KubernetesSettings {
        public Kubeconfig {
            if ((content == null) == (path == null)) {
                throw new IllegalArgumentException("Give either the kubeconfig content or its path");
            }
        }

        @Override
        public String describe() {
            return "kubeconfig " + (path != null ? path.toString() : "(from a credential)")
                    + (context == null ? "" : ", context " + context);
        }

        @Override
        public String toString() {
            return "Kubeconfig[" + describe() + "]";
        }
    }

    /** A server URL with a bearer token (a service account's) and the cluster's CA certificate in PEM. */
    record Token(String serverUrl, String token, String caCertificatePem, String defaultNamespace)
            implements KubernetesSettings {
        public Token {
            Objects.requireNonNull(serverUrl, "serverUrl");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String describe() {
            return "service account token for " + serverUrl;
        }

        @Override
        public String toString() {
            return "Token[" + describe() + "]";
        }
    }

    /** The pod's own service account, when Jenkins or the CLI runs inside the cluster. */
    record InCluster(String defaultNamespace) implements KubernetesSettings {
        @Override
        public String describe() {
            return "in-cluster service account";
        }
    }
}
