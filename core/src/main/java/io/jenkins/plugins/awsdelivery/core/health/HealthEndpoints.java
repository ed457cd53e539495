package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.health.HealthClient;

/**
 * The AWS Health API's endpoints of a partition, active first. The API is global but served from one active region
 * at a time; when the active endpoint cannot be reached or answers 5xx, the passive one is asked.
 *
 * <p>Health clients get short timeouts ({@link #ATTEMPT_TIMEOUT} per HTTP attempt, {@link #CALL_TIMEOUT} per call
 * with its retries), so that an active endpoint that hangs costs seconds, not the SDK's minutes, before the passive
 * one answers.
 */
public final class HealthEndpoints {

    /** One HTTP attempt to AWS Health; DescribeEvents answers in well under a second when the endpoint is healthy. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(4);
    /** One call with its retries, before failing over: a hanging active endpoint costs at most this. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);

    /**
     * One endpoint.
     *
     * @param region the region it serves (requests are signed for it)
     * @param url where it is, for messages
     */
    public record Endpoint(String region, String url, HealthClient client) {}

    private final List<Endpoint> endpoints;
    private final AwsSettings settings;
    private final String[] failures;
    private int preferred;
    private boolean failedOver;

    public HealthEndpoints(List<Endpoint> activeFirst, AwsSettings settings) {
        if (activeFirst.isEmpty()) {
            throw new IllegalArgumentException("no endpoints");
        }
        this.endpoints = List.copyOf(activeFirst);
        this.settings = settings;
        this.failures = new String[endpoints.size()];
    }

    /** The active and passive endpoints of the partition of the factory's region. */
    public static HealthEndpoints forPartition(AwsClientFactory factory) {
        return forPartition(factory, null);
    }

    /**
     * The active and passive endpoints of the partition of the factory's region.
     *
     * @param passiveEndpoint where to send the passive endpoint's calls; null for the partition's own passive
     *     endpoint (or the factory's endpoint override, which then serves both)
     */
    public static HealthEndpoints forPartition(AwsClientFactory factory, URI passiveEndpoint) {
        AwsSettings base = factory.settings().withCallTimeouts(CALL_TIMEOUT, ATTEMPT_TIMEOUT);
        Partition p = base.partition();
        AwsSettings active = base.inRegion(p.healthActiveRegion());
        AwsSettings passive = base.inRegion(p.healthPassiveRegion());
        if (passiveEndpoint != null) {
            if (passiveEndpoint.getScheme() == null || passiveEndpoint.getHost() == null) {
                throw StageException.invalidInput("The passive AWS Health endpoint '" + passiveEndpoint
                        + "' is not a URL.", "Give a full URL, such as https://health.us-east-2.amazonaws.com.");
            }
            passive = passive.withEndpoint(Optional.of(passiveEndpoint));
        }
        return new HealthEndpoints(List.of(endpoint(factory, active, p), endpoint(factory, passive, p)),
                factory.settings());
    }

    private static Endpoint endpoint(AwsClientFactory factory, AwsSettings s, Partition p) {
        String url = s.endpointOverride().map(Object::toString)
                .orElse("https://health." + s.region() + "." + p.dnsSuffix());
        return new Endpoint(s.region(), url, factory.client(HealthClient::builder, s));
    }

    /** Starts a new check: the active endpoint is tried first again (it may have recovered). */
    void newCheck() {
        preferred = 0;
        failedOver = false;
        Arrays.fill(failures, null);
    }

    String answeringRegion() {
        return endpoints.get(preferred).region();
    }

    boolean failedOver() {
        return failedOver;
    }

    /**
     * Calls the preferred endpoint, and the next one when it fails in a way a failover fixes.
     *
     * @param action the IAM action, for error messages
     */
    <T> T call(String action, Function<HealthClient, T> call, StageLog log) {
        SdkException last = null;
        for (int i = preferred; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            try {
                T result = call.apply(e.client());
                if (i != preferred) {
                    log.warn("The AWS Health endpoint in %s failed (%s); the passive endpoint in %s answered.",
                            endpoints.get(preferred).region(), failures[preferred], e.region());
                    preferred = i;
                    failedOver = true;
                }
                return result;
            } catch (SdkException ex) {
                if (!failoverHelps(ex)) {
                    throw AwsErrors.translate(ex, action, settings.inRegion(e.region()));
                }
                failures[i] = describe(ex);
                last = ex;
            }
        }
        if (endpoints.size() == 1) {
            throw AwsErrors.translate(last, action, settings.inRegion(endpoints.get(0).region()));
        }
        List<String> tried = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            tried.add((i == 0 ? "the active endpoint in " : "the passive endpoint in ") + e.region() + " ("
                    + e.url() + ") " + (failures[i] == null ? "failed" : failures[i]));
        }
        throw new StageException(StageException.Kind.AWS, "Both AWS Health endpoints failed for " + action + ": "
                + String.join("; ", tried) + ".",
                "AWS Health may be impaired in this partition, or this machine cannot reach it: check proxies and "
                        + "the network path to both endpoints, and run the gate again.", last);
    }

    private static boolean failoverHelps(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    /** What went wrong, in words: "answered HTTP 503 ServiceUnavailable", "did not answer within 6s". */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return "answered HTTP " + ase.statusCode() + " " + AwsErrors.errorCode(ase);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || hasCause(e, SocketTimeoutException.class)) {
            return "did not answer within " + CALL_TIMEOUT.toSeconds() + "s";
        }
        if (hasCause(e, UnknownHostException.class)) {
            return "does not resolve";
        }
        if (hasCause(e, ConnectException.class)) {
            return "refused the connection";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("failed to respond") || message.contains("Connection reset")
                || message.contains("end of stream")) {
            return "dropped the connection without an answer";
        }
        return "failed: " + message;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
