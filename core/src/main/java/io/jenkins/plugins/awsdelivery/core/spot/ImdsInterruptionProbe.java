package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs on the agent's own instance: asks the instance metadata service (IMDSv2, session token) whether EC2 has
 * announced an interruption or a rebalance recommendation for it. No AWS API call and no IAM permission needed.
 * Plain Java HTTP with no file, shell or OS call, so it works the same on Linux and Windows agents.
 */
public final class ImdsInterruptionProbe {

    /** The IMDS address on every EC2 instance. */
    public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");

    private static final Duration TOKEN_TTL = Duration.ofHours(6);

    /**
     * One client for every probe in the JVM: the agent asks every 10 to 20 seconds with a new probe, and each client
     * would hold its own selector thread and wakeup pipe until it is garbage-collected.
     */
    private static final class SharedClient {
        // IMDS is link-local: a proxy set for the agent's JVM (-Dhttp.proxyHost, or java.net.useSystemProxies with
        // the Windows system proxy) cannot reach it, and http.nonProxyHosts does not list it by default.
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    private final URI endpoint;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant tokenExpires = Instant.MIN;
    private String instanceId;

    public ImdsInterruptionProbe(URI endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.http = SharedClient.HTTP;
    }

    /** The HTTP client every probe of this JVM uses. */
    static HttpClient client() {
        return SharedClient.HTTP;
    }

    /** The interruption notice if there is one, else a rebalance recommendation if there is one, else empty. */
    public synchronized Optional<InterruptionNotice> check() {
        String id = instanceId();
        Optional<String> action = get("/latest/meta-data/spot/instance-action");
        if (action.isPresent()) {
            return Optional.of(InterruptionEvents.fromInstanceAction(id, action.get()));
        }
        return get("/latest/meta-data/events/recommendations/rebalance")
                .map(doc -> InterruptionEvents.fromRebalance(id, doc));
    }

    public synchronized String instanceId() {
        if (instanceId == null) {
            instanceId = get("/latest/meta-data/instance-id").orElseThrow(() -> new StageException(
                    StageException.Kind.AWS, "The instance metadata service at " + endpoint
                    + " has no instance-id.", "Run the probe on an EC2 instance with IMDS enabled."));
        }
        return instanceId;
    }

    private Optional<String> get(String path) {
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint.resolve(path))
                    .header("X-aws-ec2-metadata-token", token()).timeout(Duration.ofSeconds(2)).GET().build());
            if (r.statusCode() == 200) {
                return Optional.of(r.body());
            }
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            if (r.statusCode() == 401) {
                // The token expired or the service restarted: get a new one once.
                tokenExpires = Instant.MIN;
                continue;
            }
            throw new StageException(StageException.Kind.AWS, "The instance metadata service answered HTTP "
                    + r.statusCode() + " for " + path + ".", "Check that IMDS is enabled on the instance.");
        }
        throw new StageException(StageException.Kind.AWS, "The instance metadata service refused its own session "
                + "token for " + path + ".", "Check the instance's metadata options (http-tokens, hop limit).");
    }

    private String token() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(tokenExpires)) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
                    .header("X-aws-ec2-metadata-token-ttl-seconds", Long.toString(TOKEN_TTL.toSeconds()))
                    .timeout(Duration.ofSeconds(2)).PUT(HttpRequest.BodyPublishers.noBody()).build());
            if (r.statusCode() != 200 || r.body().isBlank()) {
                throw new StageException(StageException.Kind.AWS, "The instance metadata service at " + endpoint
                        + " did not issue a session token (HTTP " + r.statusCode() + ").",
                        "Enable IMDSv2 on the instance; in containers, raise the metadata hop limit to 2.");
            }
            token = r.body().trim();
            tokenExpires = now.plus(TOKEN_TTL).minusSeconds(60);
        }
        return token;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StageException(StageException.Kind.AWS, "The instance metadata service at " + endpoint
                    + " is unreachable (" + e.getClass().getSimpleName() + ").",
                    "Interruption notices from IMDS only work on an EC2 instance; use an SQS queue otherwise.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(StageException.Kind.AWS, "Interrupted while asking IMDS.", "", e);
        }
    }
}
