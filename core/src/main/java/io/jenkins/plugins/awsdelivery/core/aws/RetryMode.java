package io.jenkins.plugins.awsdelivery.core.aws;

/** The SDK retry strategy: standard (exponential backoff) or adaptive (also rate-limits the client when throttled). */
public enum RetryMode {
    STANDARD,
    ADAPTIVE
}
