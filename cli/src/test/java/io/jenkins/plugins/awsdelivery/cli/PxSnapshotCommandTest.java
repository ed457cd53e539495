package io.jenkins.plugins.awsdelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.portworx.PxNames;
import io.jenkins.plugins.awsdelivery.core.portworx.PxSnapshotRequest;
import io.jenkins.plugins.awsdelivery.testing.FakePxCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PxSnapshotCommandTest {

    @TempDir
    Path dir;
    private FakePxCluster cluster;
    private Path kubeconfig;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        cluster = new FakePxCluster().withStork();
        cluster.portworxClaim("prod", "mongo-data", Map.of("app", "mongo"));
        kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: %s}
                users:
                - name: ci
                  user: {token: cli-token}
                contexts:
                - name: mock
                  context: {cluster: mock, user: ci}
                current-context: mock
                """.formatted(cluster.url()));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private int run(String... extra) {
        String[] base = {"px-snapshot", "--kubeconfig", kubeconfig.toString(), "--context", "mock",
            "--namespace", "prod", "--job", "shop/mongo", "--output", "json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void findsTheReadySnapshotOfTheSameBuildAndPrintsTheResult() {
        PxNames names = new PxNames(PxSnapshotRequest.builder("prod", "shop/mongo", 7).pvc("mongo-data").build());
        cluster.existingSnapshot(FakePxCluster.STORK_SNAPSHOT, "prod", names.snapshot(), names.labels(),
                "2026-11-24T10:00:00Z");

        int code = run("--pvc", "mongo-data", "--build", "7");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"status\" : \"COMPLETED\"").contains("\"method\" : \"stork\"")
                .contains("\"snapshot\" : \"px-shop-mongo-b7-mongo-data\"").contains("\"reused\" : true");
        assertThat(err.toString()).contains("from an earlier attempt of this build");
    }

    @Test
    void aMissingClaimIsAUsageError() {
        int code = run("--pvc", "nope", "--build", "1");

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("ERROR: PersistentVolumeClaim 'nope' not found in namespace 'prod'.");
    }

    @Test
    void csiAskedForOnAStorkOnlyClusterIsAKubernetesError() {
        int code = run("--pvc", "mongo-data", "--build", "1", "--method", "csi");

        assertThat(code).isEqualTo(Main.SERVICE_ERROR);
        assertThat(err.toString()).contains("does not serve the CSI VolumeSnapshot API (snapshot.storage.k8s.io/v1)")
                .contains("external-snapshotter");
    }

    @Test
    void aServerWithoutATokenFileIsRefused() {
        int code = Main.run(new String[] {"px-snapshot", "--server", cluster.url(), "--namespace", "prod", "--pvc",
            "mongo-data", "--build", "1"}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("--server was given without --token-file");
    }

    @Test
    void anApiServerThatNeverAnswersFailsWithinTheTimeoutNamingTheServer() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "sa-token");
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();

            int code = Main.run(new String[] {"px-snapshot", "--server", url, "--token-file", token.toString(),
                "--namespace", "prod", "--pvc", "mongo-data", "--build", "1", "--timeout", "2s"},
                    new PrintWriter(out, true), new PrintWriter(err, true));

            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(4));
            assertThat(code).isEqualTo(Main.SERVICE_ERROR);
            assertThat(err.toString()).contains("The Kubernetes API server " + url + " cannot be reached: no answer "
                    + "within 2s.");
        }
    }

    @Test
    void aMissingKubeconfigIsNamedInOneCleanSentence() {
        int code = Main.run(new String[] {"px-snapshot", "--kubeconfig", "/nonexistent/kc", "--namespace", "prod",
            "--pvc", "mongo-data", "--build", "1"}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("The kubeconfig file /nonexistent/kc does not exist. Check the path")
                .doesNotContain("/nonexistent/kc: /nonexistent/kc");
    }
}
