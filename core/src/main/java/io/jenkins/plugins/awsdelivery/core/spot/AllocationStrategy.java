package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How EC2 picks Spot pools inside one CreateFleet request. */
public enum AllocationStrategy {
    PRICE_CAPACITY_OPTIMIZED("price-capacity-optimized"),
    CAPACITY_OPTIMIZED("capacity-optimized"),
    LOWEST_PRICE("lowest-price");

    private final String apiValue;

    AllocationStrategy(String apiValue) {
        this.apiValue = apiValue;
    }

    public String apiValue() {
        return apiValue;
    }

    /** Accepts the API spelling ({@code capacity-optimized}) and the enum spelling ({@code CAPACITY_OPTIMIZED}). */
    public static AllocationStrategy parse(String text) {
        if (text == null || text.isBlank()) {
            return PRICE_CAPACITY_OPTIMIZED;
        }
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AllocationStrategy s : values()) {
            if (s.apiValue.equals(t)) {
                return s;
            }
        }
        throw StageException.invalidInput("Unknown Spot allocation strategy '" + text + "'.",
                "Use one of " + Arrays.stream(values()).map(AllocationStrategy::apiValue)
                        .collect(Collectors.joining(", ")) + ".");
    }
}
