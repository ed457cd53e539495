package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The AWS options every stage subcommand shares. Credentials come from the profile or the default chain. */
public final class AwsOptions {

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: AWS_REGION or the profile's region).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile of the shared AWS config files (default: the default credentials chain).")
    String profile;

    @Option(names = "--role-arn", paramLabel = "ARN", description = "IAM role to assume through STS.")
    String roleArn;

    @Option(names = "--external-id", paramLabel = "ID", description = "External ID for the role to assume.")
    String externalId;

    @Option(names = "--role-session-name", paramLabel = "NAME", description = "Session name for the assumed role.")
    String sessionName;

    @Option(names = "--role-duration", paramLabel = "SECONDS",
            description = "Assumed role session duration in seconds (default: 3600).")
    Integer sessionSeconds;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send AWS calls to this endpoint instead (a private endpoint or a local emulator). For "
                    + "health-gate, the active AWS Health endpoint.")
    URI endpointUrl;

    /** The layer these options make, to resolve with {@link AwsSettings#resolve}. */
    public AwsSettings.Layer layer() {
        return AwsSettings.Layer.EMPTY
                .withRegion(region)
                .withCredentials(profile == null ? null : new CredentialsSource.NamedProfile(profile))
                .withRole(roleArn, externalId)
                .withSession(sessionName, sessionSeconds == null ? null : Duration.ofSeconds(sessionSeconds))
                .withEndpoint(endpointUrl);
    }

    public AwsSettings settings() {
        if (!hasRegion()) {
            throw io.jenkins.plugins.awsdelivery.core.StageException.invalidInput("No AWS region was given.",
                    "Give --region (such as --region eu-west-1), or set AWS_REGION.");
        }
        return AwsSettings.resolve(java.util.List.of(layer()), environmentRegion());
    }

    /** These options, with {@code defaults} (such as a cloud's own region and role) under them. */
    public AwsSettings settings(AwsSettings.Layer defaults) {
        return AwsSettings.resolve(java.util.List.of(layer(), defaults), environmentRegion());
    }

    /** Whether a region was given here or in the environment. */
    public boolean hasRegion() {
        return region != null && !region.isBlank() || environmentRegion() != null;
    }

    private static String environmentRegion() {
        return System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : System.getenv("AWS_DEFAULT_REGION");
    }
}
