package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to build AWS clients: region, credentials, an optional role, an optional endpoint,
 * retries and timeouts. Built from {@link Layer}s by {@link #resolve(List, String)}.
 */
public record AwsSettings(
        String region,
        CredentialsSource credentials,
        Optional<AssumeRole> assumeRole,
        Optional<URI> endpointOverride,
        RetryMode retryMode,
        int maxAttempts,
        Duration apiCallTimeout,
        Duration apiCallAttemptTimeout) {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    public AwsSettings {
        region = Partition.requireRegionName(region);
        Objects.requireNonNull(credentials, "credentials");
        assumeRole = assumeRole == null ? Optional.empty() : assumeRole;
        endpointOverride = endpointOverride == null ? Optional.empty() : endpointOverride;
        retryMode = retryMode == null ? RetryMode.STANDARD : retryMode;
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw StageException.invalidInput("Retry attempts " + maxAttempts + " is out of range.",
                    "Use 1 to 20 attempts per AWS call.");
        }
        apiCallTimeout = apiCallTimeout == null ? DEFAULT_API_CALL_TIMEOUT : apiCallTimeout;
        apiCallAttemptTimeout = apiCallAttemptTimeout == null ? DEFAULT_API_CALL_ATTEMPT_TIMEOUT : apiCallAttemptTimeout;
    }

    public Partition partition() {
        return Partition.forRegion(region);
    }

    /** The same settings in another region (the Health API's endpoints, for instance). */
    public AwsSettings inRegion(String otherRegion) {
        return new AwsSettings(otherRegion, credentials, assumeRole, endpointOverride, retryMode, maxAttempts,
                apiCallTimeout, apiCallAttemptTimeout);
    }

    /** The same settings with another endpoint (empty: the service's own endpoint in the region). */
    public AwsSettings withEndpoint(Optional<URI> endpoint) {
        return new AwsSettings(region, credentials, assumeRole, endpoint, retryMode, maxAttempts, apiCallTimeout,
                apiCallAttemptTimeout);
    }

    /**
     * The same settings with other timeouts: {@code callTimeout} bounds a call with all its retries,
     * {@code attemptTimeout} each HTTP attempt.
     */
    public AwsSettings withCallTimeouts(Duration callTimeout, Duration attemptTimeout) {
        return new AwsSettings(region, credentials, assumeRole, endpointOverride, retryMode, maxAttempts, callTimeout,
                attemptTimeout);
    }

    /** A short description for logs, without secrets. */
    public String describe() {
        return region + " with " + credentials.describe()
                + assumeRole.map(r -> ", assuming " + r.roleArn()).orElse("")
                + endpointOverride.map(e -> ", endpoint " + e).orElse("");
    }

    /**
     * One level of configuration: a step's own parameters, the global defaults, the CLI's options. Any field
     * may be null, meaning "not set here".
     *
     * @param roleArn with {@code externalId}, {@code sessionName} and {@code sessionDuration}: these four come
     *     from the most specific layer that sets a role, together, so that one layer's external ID is never
     *     sent with another layer's role
     */
    public record Layer(String region, CredentialsSource credentials, String roleArn, String externalId,
                        String sessionName, Duration sessionDuration, URI endpointOverride, RetryMode retryMode,
                        Integer maxAttempts) {

        public static final Layer EMPTY = new Layer(null, null, null, null, null, null, null, null, null);

        public Layer withRegion(String value) {
            return new Layer(value, credentials, roleArn, externalId, sessionName, sessionDuration, endpointOverride,
                    retryMode, maxAttempts);
        }

        public Layer withCredentials(CredentialsSource value) {
            return new Layer(region, value, roleArn, externalId, sessionName, sessionDuration, endpointOverride,
                    retryMode, maxAttempts);
        }

        public Layer withRole(String arn, String external) {
            return new Layer(region, credentials, arn, external, sessionName, sessionDuration, endpointOverride,
                    retryMode, maxAttempts);
        }

        public Layer withSession(String name, Duration duration) {
            return new Layer(region, credentials, roleArn, externalId, name, duration, endpointOverride,
                    retryMode, maxAttempts);
        }

        public Layer withEndpoint(URI value) {
            return new Layer(region, credentials, roleArn, externalId, sessionName, sessionDuration, value,
                    retryMode, maxAttempts);
        }

        public Layer withRetries(RetryMode mode, Integer attempts) {
            return new Layer(region, credentials, roleArn, externalId, sessionName, sessionDuration,
                    endpointOverride, mode, attempts);
        }
    }

    /**
     * Resolves layers, most specific first: for each field the first layer that sets it wins. Credentials fall
     * back to the SDK's default chain, the region to {@code fallbackRegion} (the environment's AWS_REGION).
     *
     * @throws StageException when no layer and no fallback names a region
     */
    public static AwsSettings resolve(List<Layer> mostSpecificFirst, String fallbackRegion) {
        String region = first(mostSpecificFirst, Layer::region);
        if (isBlank(region)) {
            region = fallbackRegion;
        }
        CredentialsSource credentials = firstNonNull(mostSpecificFirst, Layer::credentials);
        Layer roleLayer = mostSpecificFirst.stream().filter(l -> !isBlank(l.roleArn())).findFirst().orElse(null);
        Optional<AssumeRole> role = roleLayer == null ? Optional.empty()
                : Optional.of(new AssumeRole(roleLayer.roleArn(), roleLayer.externalId(), roleLayer.sessionName(),
                        roleLayer.sessionDuration()));
        URI endpoint = firstNonNull(mostSpecificFirst, Layer::endpointOverride);
        RetryMode retryMode = firstNonNull(mostSpecificFirst, Layer::retryMode);
        Integer attempts = firstNonNull(mostSpecificFirst, Layer::maxAttempts);
        return new AwsSettings(region, credentials == null ? new CredentialsSource.DefaultChain() : credentials, role,
                Optional.ofNullable(endpoint), retryMode, attempts == null ? DEFAULT_MAX_ATTEMPTS : attempts, null,
                null);
    }

    /** Settings from a single layer, for callers (the CLI, tests) that have only one. */
    public static AwsSettings of(Layer layer) {
        return resolve(List.of(layer), System.getenv("AWS_REGION"));
    }

    private static String first(List<Layer> layers, java.util.function.Function<Layer, String> field) {
        return layers.stream().map(field).filter(v -> !isBlank(v)).findFirst().orElse(null);
    }

    private static <T> T firstNonNull(List<Layer> layers, java.util.function.Function<Layer, T> field) {
        return layers.stream().map(field).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
