package io.jenkins.plugins.awsdelivery.core.spot;

/** What EC2 announced for a Spot instance. */
public enum NoticeKind {
    /** Spot interruption warning: the instance is terminated (or stopped, hibernated) in about two minutes. */
    INTERRUPTION,
    /** Rebalance recommendation: the instance is at elevated risk of interruption; move work off it early. */
    REBALANCE
}
