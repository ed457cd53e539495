package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.health.HealthClient;

/**
 * The AWS Health API's endpoints of a partition, active first. The API is global but served from one active region
 * at a time; when the active endpoint cannot be reached or answers 5xx, the passive one is asked.
 */
public final class HealthEndpoints {

    /** One regional endpoint. */
    public record Endpoint(String region, HealthClient client) {}

    private final List<Endpoint> endpoints;
    private final AwsSettings settings;
    private int preferred;
    private boolean failedOver;

    public HealthEndpoints(List<Endpoint> activeFirst, AwsSettings settings) {
        if (activeFirst.isEmpty()) {
            throw new IllegalArgumentException("no endpoints");
        }
        this.endpoints = List.copyOf(activeFirst);
        this.settings = settings;
    }

    /** The active and passive endpoints of the partition of the factory's region. */
    public static HealthEndpoints forPartition(AwsClientFactory factory) {
        Partition p = factory.settings().partition();
        return new HealthEndpoints(List.of(
                new Endpoint(p.healthActiveRegion(), factory.client(HealthClient::builder, p.healthActiveRegion())),
                new Endpoint(p.healthPassiveRegion(), factory.client(HealthClient::builder, p.healthPassiveRegion()))),
                factory.settings());
    }

    /** Starts a new check: the active endpoint is tried first again (it may have recovered). */
    void newCheck() {
        preferred = 0;
        failedOver = false;
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
                            endpoints.get(preferred).region(), describe(last), e.region());
                    preferred = i;
                    failedOver = true;
                }
                return result;
            } catch (SdkException ex) {
                if (!failoverHelps(ex)) {
                    throw AwsErrors.translate(ex, action, settings.inRegion(e.region()));
                }
                last = ex;
            }
        }
        throw AwsErrors.translate(last, action, settings.inRegion(endpoints.get(endpoints.size() - 1).region()));
    }

    private static boolean failoverHelps(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return "HTTP " + ase.statusCode() + " " + AwsErrors.errorCode(ase);
        }
        return e == null ? "unknown error" : e.getClass().getSimpleName();
    }
}
