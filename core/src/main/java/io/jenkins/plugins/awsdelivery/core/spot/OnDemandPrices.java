package io.jenkins.plugins.awsdelivery.core.spot;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * On-demand Linux prices per instance-hour, used only to estimate what Spot saves. The built-in list holds
 * us-east-1 list prices of common build instance types; other regions and types are configured by the user
 * (the AWS Price List API is a 100 MB download per region, too much for an estimate).
 */
public final class OnDemandPrices {

    private static final Map<String, String> US_EAST_1 = Map.ofEntries(
            Map.entry("m5.large", "0.096"), Map.entry("m5.xlarge", "0.192"), Map.entry("m5.2xlarge", "0.384"),
            Map.entry("m5a.large", "0.086"), Map.entry("m5a.xlarge", "0.172"), Map.entry("m5a.2xlarge", "0.344"),
            Map.entry("m6i.large", "0.096"), Map.entry("m6i.xlarge", "0.192"), Map.entry("m6i.2xlarge", "0.384"),
            Map.entry("m6a.large", "0.0864"), Map.entry("m6a.xlarge", "0.1728"), Map.entry("m7i.large", "0.1008"),
            Map.entry("m7i.xlarge", "0.2016"), Map.entry("c5.large", "0.085"), Map.entry("c5.xlarge", "0.17"),
            Map.entry("c5.2xlarge", "0.34"), Map.entry("c5a.xlarge", "0.154"), Map.entry("c6i.large", "0.085"),
            Map.entry("c6i.xlarge", "0.17"), Map.entry("c6i.2xlarge", "0.34"), Map.entry("c6a.xlarge", "0.153"),
            Map.entry("c7i.xlarge", "0.1785"), Map.entry("r5.large", "0.126"), Map.entry("r5.xlarge", "0.252"),
            Map.entry("r6i.large", "0.126"), Map.entry("r6i.xlarge", "0.252"), Map.entry("t3.large", "0.0832"),
            Map.entry("t3.xlarge", "0.1664"), Map.entry("t3.2xlarge", "0.3328"));

    private final Map<String, BigDecimal> prices = new HashMap<>();

    /** The built-in list with {@code overrides} on top. */
    public OnDemandPrices(Map<String, BigDecimal> overrides) {
        US_EAST_1.forEach((k, v) -> prices.put(k, new BigDecimal(v)));
        prices.putAll(overrides);
    }

    public Optional<BigDecimal> pricePerHour(String instanceType) {
        return Optional.ofNullable(prices.get(instanceType));
    }
}
