package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a Kubernetes stage reaches its cluster: a kubeconfig (the default), a server with a token, or in-cluster. */
public final class KubernetesOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--server", paramLabel = "URL", description = "API server URL, with --token-file.")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding a service account token.")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "The cluster's CA certificate (PEM), with --server.")
    Path caFile;

    @Option(names = "--in-cluster", description = "Use the pod's own service account.")
    boolean inCluster;

    public KubernetesSettings settings() {
        if (inCluster) {
            if (server != null || kubeconfig != null) {
                throw StageException.invalidInput("--in-cluster was given with --server or --kubeconfig.",
                        "Give one way to reach the cluster.");
            }
            return new KubernetesSettings.InCluster(null);
        }
        if (server != null) {
            if (tokenFile == null) {
                throw StageException.invalidInput("--server was given without --token-file.",
                        "Give the service account token's file with --token-file.");
            }
            return new KubernetesSettings.Token(server, read(tokenFile, "--token-file").strip(),
                    caFile == null ? null : read(caFile, "--ca-file"), null);
        }
        Path path = kubeconfig;
        if (path == null) {
            String env = System.getenv("KUBECONFIG");
            path = env != null && !env.isBlank() ? Path.of(env.split(java.io.File.pathSeparator)[0])
                    : Path.of(System.getProperty("user.home"), ".kube", "config");
        }
        return new KubernetesSettings.Kubeconfig(null, path, context, null);
    }

    private static String read(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StageException.invalidInput("Cannot read " + option + " " + file + ": " + e.getMessage(),
                    "Check the path and its permissions.");
        }
    }
}
