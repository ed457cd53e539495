package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.Locale;
import java.util.regex.Pattern;

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

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>}. Region and account may be empty. */
    public String arn(String service, String region, String accountId, String resource) {
        return "arn:" + id + ":" + service + ":" + nullToEmpty(region) + ":" + nullToEmpty(accountId) + ":" + resource;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
