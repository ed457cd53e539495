package io.jenkins.plugins.awsdelivery.core.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;

/** Builds a fabric8 client from {@link KubernetesSettings}. The caller closes it. */
public final class KubernetesClientFactory {

    private KubernetesClientFactory() {}

    public static KubernetesClient create(KubernetesSettings settings) {
        return new KubernetesClientBuilder().withConfig(config(settings)).build();
    }

    public static Config config(KubernetesSettings settings) {
        Config config;
        if (settings instanceof KubernetesSettings.Kubeconfig kc) {
            String content = kc.content() != null ? kc.content() : read(kc);
            try {
                config = Config.fromKubeconfig(kc.context(), content, kc.path() == null ? null : kc.path().toString());
            } catch (RuntimeException e) {
                throw StageException.invalidInput("The kubeconfig (" + kc.describe() + ") cannot be used: "
                                + e.getMessage(),
                        "Check that it is a valid kubeconfig and that the context exists in it.");
            }
            if (kc.context() != null && (config.getCurrentContext() == null
                    || !kc.context().equals(config.getCurrentContext().getName()))) {
                throw StageException.invalidInput("The kubeconfig (" + kc.describe() + ") cannot be used: it has no "
                                + "context named '" + kc.context() + "'.",
                        "Use one of its contexts: " + config.getContexts().stream()
                                .map(io.fabric8.kubernetes.api.model.NamedContext::getName).toList() + ".");
            }
        } else if (settings instanceof KubernetesSettings.Token t) {
            ConfigBuilder b = new ConfigBuilder(Config.empty())
                    .withMasterUrl(t.serverUrl())
                    .withOauthToken(t.token());
            if (t.caCertificatePem() != null && !t.caCertificatePem().isBlank()) {
                b.withCaCertData(Base64.getEncoder().encodeToString(
                        t.caCertificatePem().getBytes(StandardCharsets.UTF_8)));
            }
            config = b.build();
        } else {
            config = Config.autoConfigure(null);
            if (config.getMasterUrl() == null || config.getOauthToken() == null && config.getOauthTokenProvider() == null
                    && config.getClientCertData() == null && config.getClientCertFile() == null
                    && config.getAutoOAuthToken() == null) {
                // autoConfigure returns a config even outside a cluster; say plainly what is missing.
                if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                    throw StageException.invalidInput("In-cluster Kubernetes configuration was asked for, but this "
                                    + "process does not run in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set).",
                            "Give a kubeconfig or a service account token credential instead.");
                }
            }
        }
        if (settings.defaultNamespace() != null && !settings.defaultNamespace().isBlank()) {
            config.setNamespace(settings.defaultNamespace());
        }
        return config;
    }

    private static String read(KubernetesSettings.Kubeconfig kc) {
        try {
            return Files.readString(kc.path(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
                    : String.valueOf(e.getMessage());
            throw StageException.invalidInput("Cannot read the kubeconfig " + kc.path() + ": " + why + ".",
                    "Check the path and its permissions.");
        }
    }
}
