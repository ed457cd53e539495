package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.Set;

/** What an EC2 launch error code means for the engine. */
public final class LaunchErrors {

    /** The answer for one error code. */
    public enum Meaning {
        /** This pool has no capacity (or is unusable) for now: leave it out for a while, try the others. */
        POOL_UNAVAILABLE,
        /** An account limit: launching more cannot work until someone raises it; stop retrying. */
        ACCOUNT_LIMIT,
        /** Anything else (a bad launch template, missing permission): report it. */
        OTHER
    }

    private static final Set<String> POOL = Set.of("InsufficientInstanceCapacity", "InsufficientCapacity",
            "InsufficientHostCapacity", "UnfulfillableCapacity", "SpotMaxPriceTooLow", "Unsupported",
            "InsufficientFreeAddressesInSubnet", "InsufficientCapacityOnHost", "capacity-not-available",
            "price-too-low");
    private static final Set<String> LIMIT = Set.of("VcpuLimitExceeded", "MaxSpotInstanceCountExceeded",
            "InstanceLimitExceeded", "MaxSpotFleetRequestCountExceeded", "MaxFleetCountExceeded",
            "TargetCapacityLimitExceededException", "PendingVerification");

    /** Capacity errors: the pool has no instances for anyone, whichever template asks. */
    private static final Set<String> CAPACITY = Set.of("InsufficientInstanceCapacity", "InsufficientCapacity",
            "InsufficientHostCapacity", "UnfulfillableCapacity", "InsufficientFreeAddressesInSubnet",
            "InsufficientCapacityOnHost", "capacity-not-available");

    private LaunchErrors() {}

    /**
     * True when a pool error holds for every template (no capacity); false when it may concern the asking template
     * only (its price, or a type its AMI or platform does not support), so other templates still try the pool.
     */
    public static boolean sharedByTemplates(String code) {
        return CAPACITY.contains(code);
    }

    /**
     * True for a limit of one family of instance types (the vCPU quota of, say, standard or GPU instances): it
     * holds the templates asking for that family, not the account's other launches.
     */
    public static boolean perInstanceFamily(String code) {
        return "VcpuLimitExceeded".equals(code);
    }

    public static Meaning meaning(String code) {
        if (code == null) {
            return Meaning.OTHER;
        }
        if (POOL.contains(code)) {
            return Meaning.POOL_UNAVAILABLE;
        }
        if (LIMIT.contains(code)) {
            return Meaning.ACCOUNT_LIMIT;
        }
        return Meaning.OTHER;
    }

    /** What to do about an account limit, in words an administrator acts on. */
    public static String limitHint(String code) {
        return switch (code) {
            case "VcpuLimitExceeded" -> "Request a higher vCPU quota for Spot or On-Demand instances in the Service "
                    + "Quotas console, or lower the cloud's maximum.";
            case "MaxSpotInstanceCountExceeded" -> "Request a higher Spot instance quota in the Service Quotas "
                    + "console, or lower the cloud's maximum.";
            case "PendingVerification" -> "AWS is still verifying this account for this region; wait for it or "
                    + "contact AWS Support.";
            default -> "Raise the limit in the Service Quotas console, or lower the cloud's maximum.";
        };
    }
}
