package io.jenkins.plugins.awsdelivery.core.portworx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesClientFactory;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Given an API server that is not there (nothing listens, a server that never answers, TLS that does not match, an
 * unknown host), the stage fails within its timeout, naming the server and the cause.
 */
class PxSnapshotUnreachableTest {

    private final List<String> log = new ArrayList<>();

    private StageException startAgainst(String serverUrl, Duration timeout) {
        PxSnapshotRequest request = PxSnapshotRequest.builder("prod", "shop/mongo", 1).pvc("mongo-data")
                .timeout(timeout).build();
        try (KubernetesClient client = KubernetesClientFactory.create(
                new KubernetesSettings.Token(serverUrl, "token", null, null))) {
            PxSnapshot stage = new PxSnapshot(request, client, (ns, pod, container, command, t) -> new PodExec.Result(0, ""), Clock.systemUTC(),
                    StageLog.to(log::add));
            return (StageException) org.assertj.core.api.Assertions.catchThrowable(stage::start);
        }
    }

    private static long secondsOf(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return Duration.ofNanos(System.nanoTime() - t0).toSeconds();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void nothingListeningFailsWithinTenSecondsByDefaultAndSaysConnectionRefused() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        StageException[] e = new StageException[1];

        long seconds = secondsOf(() -> e[0] = startAgainst(url, null));

        assertThat(seconds).isLessThan(10);
        assertThat(e[0].kind()).isEqualTo(StageException.Kind.KUBERNETES);
        assertThat(e[0].getMessage()).contains("The Kubernetes API server " + url).contains("connection refused")
                .doesNotContain("An error has occurred").doesNotContain("HTTP -1");
        assertThat(e[0].hint()).contains("port");
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersFailsWithinTheStageTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            StageException[] e = new StageException[1];

            long seconds = secondsOf(() -> e[0] = startAgainst(url, Duration.ofSeconds(3)));

            assertThat(seconds).isLessThan(5);
            assertThat(e[0].getMessage()).contains(url).contains("no answer within 3s");
        }
    }

    @Test
    void aPlainHttpServerSpokenToOverHttpsIsATlsFailure() throws Exception {
        // Like any plain HTTP server, it answers the TLS ClientHello it cannot parse with 400 and hangs up.
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept()) {
                        s.getInputStream().read(new byte[512]);
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException ignored) {
                        // closed at the end of the test
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            String url = "https://127.0.0.1:" + plain.getLocalPort();
            StageException e = startAgainst(url, Duration.ofSeconds(5));

            assertThat(e.getMessage()).contains(url).contains("TLS handshake failed")
                    .contains("does not speak TLS");
            assertThat(e.hint()).contains("https://");
        }
    }

    @Test
    void aSelfSignedCertificateWithoutTheClustersCaIsNotTrusted() {
        KubernetesMockServer server = new KubernetesMockServer(true);
        server.init();
        try {
            String url = server.url("/").replaceAll("/$", "");
            StageException e = startAgainst(url, Duration.ofSeconds(5));

            assertThat(e.getMessage()).contains(url).contains("certificate is not trusted");
            assertThat(e.hint()).contains("CA certificate");
        } finally {
            server.destroy();
        }
    }

    @Test
    void anUnknownHostIsNamedAsADnsFailure() {
        String url = "https://k8s.example.invalid:6443";
        StageException e = startAgainst(url, Duration.ofSeconds(5));

        assertThat(e.getMessage()).contains(url).contains("unknown host k8s.example.invalid");
        assertThat(e.hint()).contains("DNS");
    }

    @Test
    void aServerThatAnswersIsReachableWhateverItAnswers() throws Exception {
        HttpServer notFound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notFound.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        notFound.start();
        try {
            StageException e = startAgainst("http://127.0.0.1:" + notFound.getAddress().getPort(),
                    Duration.ofSeconds(5));

            // Past the reachability check: the stage goes on to look for the snapshot APIs.
            assertThat(e.getMessage()).doesNotContain("cannot be reached");
        } finally {
            notFound.stop(0);
        }
    }

    @Test
    void aCallThatGetsNoAnswerLaterNamesTheCauseInsteadOfHttpMinusOne() throws Exception {
        int port = closedPort();
        try (KubernetesClient client = KubernetesClientFactory.create(
                new KubernetesSettings.Token("http://127.0.0.1:" + port, "token", null, null))) {
            assertThatThrownBy(() -> new StorkSnapshots(client,
                    PxSnapshotRequest.builder("prod", "j", 1).pvc("c").build()).missing())
                    .isInstanceOf(StageException.class)
                    .hasMessageContaining("could not be reached to get API discovery")
                    .hasMessageContaining("connection refused")
                    .hasMessageNotContaining("HTTP -1");
        }
    }
}
