package io.jenkins.plugins.awsdelivery.core.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesClientFactoryTest {

    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: https://prod.example.test:6443}
            - name: staging
              cluster: {server: https://staging.example.test:6443}
            users:
            - name: ci
              user: {token: kube-token-secret}
            contexts:
            - name: prod
              context: {cluster: prod, user: ci, namespace: shop}
            - name: staging
              context: {cluster: staging, user: ci}
            current-context: prod
            """;

    @Test
    void kubeconfigContentWithAContextSelectsThatCluster() {
        Config config = KubernetesClientFactory.config(
                new KubernetesSettings.Kubeconfig(KUBECONFIG, null, "staging", "qa"));

        assertThat(config.getMasterUrl()).startsWith("https://staging.example.test:6443");
        assertThat(config.getNamespace()).isEqualTo("qa");
    }

    @Test
    void kubeconfigPathUsesTheCurrentContextAndItsNamespace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config"), KUBECONFIG);

        Config config = KubernetesClientFactory.config(new KubernetesSettings.Kubeconfig(null, file, null, null));

        assertThat(config.getMasterUrl()).startsWith("https://prod.example.test:6443");
        assertThat(config.getNamespace()).isEqualTo("shop");
        assertThat(new KubernetesSettings.Kubeconfig(KUBECONFIG, null, null, null).toString())
                .doesNotContain("kube-token-secret");
    }

    @Test
    void unknownContextIsAClearError() {
        assertThatThrownBy(() -> KubernetesClientFactory.config(
                new KubernetesSettings.Kubeconfig(KUBECONFIG, null, "nope", null)))
                .isInstanceOf(StageException.class).hasMessageContaining("cannot be used");
    }

    @Test
    void serviceAccountTokenWithServerAndCa() {
        Config config = KubernetesClientFactory.config(new KubernetesSettings.Token("https://10.0.0.1:443",
                "sa-token", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "staging"));

        assertThat(config.getMasterUrl()).startsWith("https://10.0.0.1:443");
        assertThat(config.getOauthToken()).isEqualTo("sa-token");
        assertThat(config.getCaCertData()).isNotBlank();
        assertThat(config.getNamespace()).isEqualTo("staging");
    }

    @Test
    void missingKubeconfigFileSaysWhyInItsOwnSentence(@TempDir Path dir) {
        Path missing = dir.resolve("nonexistent/kc");

        assertThatThrownBy(() -> KubernetesClientFactory.config(
                new KubernetesSettings.Kubeconfig(null, missing, null, null)))
                .isInstanceOf(io.jenkins.plugins.awsdelivery.core.StageException.class)
                .satisfies(e -> assertThat(((io.jenkins.plugins.awsdelivery.core.StageException) e).describe())
                        .isEqualTo("The kubeconfig file " + missing + " does not exist. Check the path; kubectl's "
                                + "default is ~/.kube/config."));
    }
}
