package io.jenkins.plugins.awsdelivery.aws;

import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import java.util.List;

/** The AWS settings of a build and the secret values in them, which the build log must never show. */
public record ResolvedAws(AwsSettings settings, List<String> secrets) {}
