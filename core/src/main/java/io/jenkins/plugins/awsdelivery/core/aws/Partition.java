package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * An AWS partition, derived from a region name. Every ARN this project builds takes its partition from here,
 * so that nothing is hard-coded to {@code arn:aws:}.
 *
 * @param id the partition as it appears in ARNs ({@code aws}, {@code aws-cn}, {@code aws-us-gov})
 * @param dnsSuffix the domain of its endpoints
 * @param consoleHost the AWS console host of the partition
 * @param healthActiveRegion the region of the AWS Health API's active endpoint
 * @param healthPassiveRegion the region of the AWS Health API's passive (failover) endpoint
 */
public record Partition(String id, String dnsSuffix, String consoleHost, String healthActiveRegion,
                        String healthPassiveRegion) {

    public static final Partition AWS =
            new Partition("aws", "amazonaws.com", "console.aws.amazon.com", "us-east-1", "us-east-2");
    public static final Partition AWS_CN =
            new Partition("aws-cn", "amazonaws.com.cn", "console.amazonaws.cn", "cn-north-1", "cn-northwest-1");
    public static final Partition AWS_US_GOV =
            new Partition("aws-us-gov", "amazonaws.com", "console.amazonaws-us-gov.com", "us-gov-west-1", "us-gov-east-1");

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    /**
     * The partition a region belongs to.
     *
     * @throws StageException when the text is not shaped like a region name
     */
    public static Partition forRegion(String region) {
        String r = requireRegionName(region);
        if (r.startsWith("cn-")) {
            return AWS_CN;
        }
        if (r.startsWith("us-gov-")) {
            return AWS_US_GOV;
        }
        return AWS;
    }

    /** Checks the shape of a region name ({@code eu-west-1}) and returns it in lower case. */
    public static String requireRegionName(String region) {
        if (region == null || region.isBlank()) {
            throw StageException.invalidInput("No AWS region was given.",
                    "Set a region on the step, in the global configuration, or with AWS_REGION.");
        }
        String r = region.trim().toLowerCase(Locale.ROOT);
        if (!REGION.matcher(r).matches()) {
            throw StageException.invalidInput("'" + region + "' is not an AWS region name.",
                    "Use a region code such as eu-west-1 or us-east-1.");
        }
        return r;
    }

    /**
     * A region name the AWS SDK in use knows (its partition metadata), in lower case. A well-shaped name that no
     * partition has, such as {@code eu-wset-1}, is refused: as a filter it would match nothing, silently.
     *
     * @param field the parameter, for the message
     * @throws StageException naming the field and the value
     */
    public static String requireKnownRegion(String field, String region) {
        String r = region == null ? "" : region.trim().toLowerCase(Locale.ROOT);
        if (!REGION.matcher(r).matches() || !KNOWN_REGIONS.contains(r)) {
            throw StageException.invalidInput(field + " '" + region + "' is not an AWS region.",
                    "Use region codes such as eu-west-1 or us-east-1" + (REGION.matcher(r).matches()
                            ? " (the AWS SDK in use knows " + KNOWN_REGIONS.size() + " regions, not this one)." : "."));
        }
        return r;
    }

    /** The partition ID of a region the SDK knows ({@code aws}, {@code aws-cn}, ...), from its partition metadata. */
    public static String partitionIdOf(String knownRegion) {
        return PartitionMetadata.of(Region.of(knownRegion)).id();
    }

    /** Partition IDs the SDK in use knows. */
    public static Set<String> knownPartitionIds() {
        return KNOWN_PARTITIONS;
    }

    private static final Set<String> KNOWN_REGIONS = Region.regions().stream().map(Region::id)
            .filter(id -> REGION.matcher(id).matches()).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> KNOWN_PARTITIONS = Region.regions().stream()
            .map(r -> PartitionMetadata.of(r).id()).collect(Collectors.toUnmodifiableSet());

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>}. Region and account may be empty. */
    public String arn(String service, String region, String accountId, String resource) {
        return "arn:" + id + ":" + service + ":" + nullToEmpty(region) + ":" + nullToEmpty(accountId) + ":" + resource;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
