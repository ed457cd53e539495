package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ARN checked by shape, {@code arn:<partition>:<service>:<region>:<account>:<resource>}, with a partition the AWS
 * SDK in use knows. Region and account may be empty (global resources, S3 buckets).
 */
public record ResourceArn(String partition, String service, String region, String accountId, String resource) {

    private static final Pattern SHAPE = Pattern.compile(
            "arn:([a-z0-9-]+):([a-z0-9-]+):([a-z0-9-]*):(\\d{12}|aws|)?:(.+)");

    /**
     * @param field the parameter, for the message
     * @throws StageException naming the field and the value when it is not an ARN
     */
    public static ResourceArn parse(String field, String value) {
        String v = value == null ? "" : value.trim();
        Matcher m = SHAPE.matcher(v);
        if (!m.matches()) {
            throw StageException.invalidInput(field + " '" + value + "' is not an ARN.",
                    "Use arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, such as "
                            + "arn:aws:ecs:eu-west-1:123456789012:service/prod/web.");
        }
        if (!Partition.knownPartitionIds().contains(m.group(1))) {
            throw StageException.invalidInput(field + " '" + value + "' names partition '" + m.group(1)
                    + "', which is not an AWS partition.", "Use one of " + Partition.knownPartitionIds().stream()
                    .sorted().toList() + ".");
        }
        return new ResourceArn(m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4), m.group(5));
    }

    @Override
    public String toString() {
        return "arn:" + partition + ":" + service + ":" + region + ":" + accountId + ":" + resource;
    }
}
