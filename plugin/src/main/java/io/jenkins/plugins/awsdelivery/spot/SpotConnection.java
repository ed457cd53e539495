package io.jenkins.plugins.awsdelivery.spot;

import hudson.AbortException;
import io.jenkins.plugins.awsdelivery.aws.AwsCredentialsLookup;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.spot.Ec2FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.SqsInterruptionSource;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;

/**
 * A Spot cloud's AWS clients, built from the cloud's own settings layered over the plugin's global configuration.
 * Every round compares what the settings are made of with what the clients were built from, so a change of the
 * global endpoint, Region, role or default credentials takes effect at the next round, without a restart or a
 * save of the cloud. Replaced clients are closed a few minutes later, after calls in flight have ended.
 */
final class SpotConnection {

    /** What the settings are made of: the cloud's fields and the global ones (IDs only, never secrets). */
    record Inputs(String region, String credentialsId, String roleArn, String externalId, String queueUrl,
                  String globalRegion, String globalCredentialsId, String globalRoleArn, String globalExternalId,
                  String endpoint) {

        static Inputs of(SpotCloud c) {
            AwsDeliveryStagesConfiguration g = AwsDeliveryStagesConfiguration.get();
            return new Inputs(c.getRegion(), c.getCredentialsId(), c.getRoleArn(), c.getExternalId(),
                    c.getInterruptionQueueUrl(), g.getDefaultRegion(), g.getDefaultCredentialsId(),
                    g.getDefaultRoleArn(), g.getDefaultExternalId(), g.getEndpointOverride());
        }
    }

    private Inputs inputs;
    private AwsClientFactory aws;
    private Ec2FleetApi api;
    private SqsInterruptionSource queue;

    /**
     * Builds the clients, or rebuilds them when the settings changed since; true when they are new.
     *
     * @throws AbortException when a credential cannot be found
     */
    synchronized boolean refresh(SpotCloud cloud, Clock clock) throws AbortException {
        Inputs now = Inputs.of(cloud);
        if (now.equals(inputs) && aws != null) {
            return false;
        }
        AwsClientFactory built = new AwsClientFactory(settings(cloud));
        AwsClientFactory old = aws;
        aws = built;
        api = new Ec2FleetApi(built, clock);
        queue = cloud.getInterruptionQueueUrl() == null ? null
                : new SqsInterruptionSource(built, cloud.getInterruptionQueueUrl(), 19);
        inputs = now;
        closeLater(old);
        return true;
    }

    synchronized Ec2FleetApi api() {
        return api;
    }

    synchronized SqsInterruptionSource queue() {
        return queue;
    }

    /** The Region the clients call, or null before the first build. */
    synchronized String region() {
        return aws == null ? null : aws.settings().region();
    }

    synchronized void close() {
        closeLater(aws);
        aws = null;
        api = null;
        queue = null;
        inputs = null;
    }

    private static void closeLater(AwsClientFactory old) {
        if (old != null) {
            Timer.get().schedule(old::close, 5, TimeUnit.MINUTES);
        }
    }

    static AwsSettings settings(SpotCloud c) throws AbortException {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        AwsSettings.Layer own = AwsSettings.Layer.EMPTY.withRegion(c.getRegion())
                .withRole(c.getRoleArn(), c.getExternalId());
        if (c.getCredentialsId() != null) {
            own = own.withCredentials(AwsCredentialsLookup.forSystem(c.getCredentialsId()).source());
        }
        AwsSettings.Layer defaults = AwsSettings.Layer.EMPTY.withRegion(global.getDefaultRegion())
                .withRole(global.getDefaultRoleArn(), global.getDefaultExternalId())
                .withEndpoint(global.getEndpointOverride() == null ? null : URI.create(global.getEndpointOverride()));
        if (c.getCredentialsId() == null && global.getDefaultCredentialsId() != null) {
            defaults = defaults.withCredentials(AwsCredentialsLookup.forSystem(global.getDefaultCredentialsId())
                    .source());
        }
        String session = AssumeRole.sessionNameFrom("jenkins-spot-" + c.name);
        own = own.withSession(session, null);
        defaults = defaults.withSession(session, null);
        return AwsSettings.resolve(List.of(own, defaults), System.getenv("AWS_REGION"));
    }
}
