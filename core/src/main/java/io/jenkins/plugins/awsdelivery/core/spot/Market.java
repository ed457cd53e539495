package io.jenkins.plugins.awsdelivery.core.spot;

/** How an instance is paid for. */
public enum Market {
    SPOT("spot"),
    ON_DEMAND("on-demand");

    private final String apiValue;

    Market(String apiValue) {
        this.apiValue = apiValue;
    }

    /** The value of EC2's {@code Lifecycle} / {@code DefaultTargetCapacityType}. */
    public String apiValue() {
        return apiValue;
    }

    /** EC2 reports on-demand instances with no lifecycle at all, and Spot ones as "spot". */
    public static Market fromLifecycle(String lifecycle) {
        return "spot".equalsIgnoreCase(lifecycle) ? SPOT : ON_DEMAND;
    }
}
