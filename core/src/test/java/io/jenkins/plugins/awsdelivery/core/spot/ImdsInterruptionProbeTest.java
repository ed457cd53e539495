package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent-side probe against a fake instance metadata service that, like IMDSv2, refuses requests without a token. */
class ImdsInterruptionProbeTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final Map<String, String> documents = new HashMap<>();
    private final List<String> tokensIssued = new ArrayList<>();
    private HttpServer imds;
    private ImdsInterruptionProbe probe;

    @BeforeEach
    void start() throws IOException {
        imds = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        imds.createContext("/", this::handle);
        imds.start();
        documents.put("/latest/meta-data/instance-id", "i-0123456789abcdef0");
        probe = new ImdsInterruptionProbe(URI.create("http://127.0.0.1:" + imds.getAddress().getPort()), clock);
    }

    @AfterEach
    void stop() {
        imds.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        int status;
        String body = "";
        if (path.equals("/latest/api/token") && x.getRequestMethod().equals("PUT")) {
            String ttl = x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
            status = ttl == null ? 400 : 200;
            body = "token-" + (tokensIssued.size() + 1);
            tokensIssued.add(body);
        } else if (tokensIssued.isEmpty()
                || !tokensIssued.get(tokensIssued.size() - 1).equals(x.getRequestHeaders()
                .getFirst("X-aws-ec2-metadata-token"))) {
            status = 401;
        } else if (documents.containsKey(path)) {
            status = 200;
            body = documents.get(path);
        } else {
            status = 404;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    @Test
    void noNoticeIsEmpty() {
        assertThat(probe.check()).isEmpty();
        assertThat(tokensIssued).hasSize(1);
    }

    @Test
    void interruptionNoticeIsReadWithASessionToken() {
        documents.put("/latest/meta-data/spot/instance-action",
                "{\"action\": \"terminate\", \"time\": \"2026-12-01T10:02:00Z\"}");

        InterruptionNotice n = probe.check().orElseThrow();

        assertThat(n.instanceId()).isEqualTo("i-0123456789abcdef0");
        assertThat(n.kind()).isEqualTo(NoticeKind.INTERRUPTION);
        assertThat(n.actionTime()).isEqualTo(Instant.parse("2026-12-01T10:02:00Z"));
        assertThat(n.describe()).contains("will terminate at 2026-12-01T10:02:00Z");
    }

    @Test
    void rebalanceRecommendationWhenThereIsNoInterruption() {
        documents.put("/latest/meta-data/events/recommendations/rebalance",
                "{\"noticeTime\": \"2026-12-01T09:58:00Z\"}");

        assertThat(probe.check()).hasValueSatisfying(n -> assertThat(n.kind()).isEqualTo(NoticeKind.REBALANCE));
    }

    @Test
    void anExpiredTokenIsRenewedOnce() {
        probe.check();
        tokensIssued.add("rotated-by-the-service");

        assertThat(probe.check()).isEmpty();
        assertThat(tokensIssued).hasSize(3);
    }

    @Test
    void tokenIsReusedUntilItExpires() {
        probe.check();
        probe.check();
        assertThat(tokensIssued).hasSize(1);
        clock.advance(Duration.ofHours(7));
        probe.check();
        assertThat(tokensIssued).hasSize(2);
    }

    @Test
    void aProxySetForTheAgentJvmIsNotUsedForTheLinkLocalMetadataService() {
        // Windows agents often run with java.net.useSystemProxies or -Dhttp.proxyHost, whose default
        // nonProxyHosts does not list 169.254.169.254; a proxy cannot reach IMDS.
        List<URI> proxied = new ArrayList<>();
        ProxySelector before = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                proxied.add(uri);
                return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 9)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException e) {
            }
        });
        try {
            ImdsInterruptionProbe behindProxy = new ImdsInterruptionProbe(
                    URI.create("http://127.0.0.1:" + imds.getAddress().getPort()), clock);
            documents.put("/latest/meta-data/spot/instance-action",
                    "{\"action\": \"stop\", \"time\": \"2026-12-01T10:02:00Z\"}");

            assertThat(behindProxy.check()).hasValueSatisfying(n -> assertThat(n.action()).isEqualTo("stop"));
            assertThat(proxied).isEmpty();
            // Whichever proxy selector was the default when the shared client was made, it is not used.
            assertThat(ImdsInterruptionProbe.client().proxy()).contains(java.net.http.HttpClient.Builder.NO_PROXY);
        } finally {
            ProxySelector.setDefault(before);
        }
    }

    @Test
    void malformedDocumentNamesTheSource() {
        documents.put("/latest/meta-data/spot/instance-action", "{\"action\": \"terminate\", \"time\": \"soon\"}");

        assertThatThrownBy(probe::check).hasMessageContaining("time in IMDS spot/instance-action")
                .hasMessageContaining("'soon'");
    }

    @Test
    void unreachableMetadataServiceSaysWhereNoticesCanComeFromInstead() {
        imds.stop(0);

        assertThatThrownBy(probe::check).hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((io.jenkins.plugins.awsdelivery.core.StageException) e).hint())
                        .contains("SQS queue"));
    }

    @Test
    void aNoticeCountsOnlyForTheInstanceWhoseAgentWasAsked() {
        InterruptionNotice own = new InterruptionNotice("i-0aaaaaaaaaaaaaaa1", NoticeKind.INTERRUPTION, "terminate",
                Instant.parse("2026-12-01T10:02:00Z"), "imds");

        assertThat(own.concerns("i-0aaaaaaaaaaaaaaa1")).isTrue();
        assertThat(own.concerns("i-0bbbbbbbbbbbbbbb2")).as("a build on one agent naming another").isFalse();
        assertThat(new InterruptionNotice(null, NoticeKind.REBALANCE, "", Instant.EPOCH, "imds")
                .concerns("i-0aaaaaaaaaaaaaaa1")).isFalse();
    }
}
