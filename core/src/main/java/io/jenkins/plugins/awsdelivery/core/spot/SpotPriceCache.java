package io.jenkins.plugins.awsdelivery.core.spot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Current Spot prices of the cloud's instance types, refreshed at most once an hour with one paginated call. */
final class SpotPriceCache {

    static final Duration TTL = Duration.ofHours(1);

    private final Map<String, BigDecimal> averageByType = new HashMap<>();
    private Instant fetchedAt = Instant.MIN;

    boolean stale(Instant now) {
        return !now.isBefore(fetchedAt.plus(TTL));
    }

    void refresh(FleetApi api, Collection<String> types, Instant now) {
        fetchedAt = now; // even on failure: an estimate is not worth hammering the API for
        List<FleetApi.SpotPrice> prices = api.spotPrices(new TreeSet<>(types));
        Map<String, BigDecimal[]> sums = new HashMap<>();
        for (FleetApi.SpotPrice p : prices) {
            BigDecimal[] s = sums.computeIfAbsent(p.instanceType(), k -> new BigDecimal[] {BigDecimal.ZERO,
                    BigDecimal.ZERO});
            s[0] = s[0].add(p.pricePerHour());
            s[1] = s[1].add(BigDecimal.ONE);
        }
        averageByType.clear();
        sums.forEach((t, s) -> averageByType.put(t, s[0].divide(s[1], 6, RoundingMode.HALF_UP)));
    }

    /** The average current Spot price of a type across Availability Zones. */
    Optional<BigDecimal> pricePerHour(String instanceType) {
        return Optional.ofNullable(averageByType.get(instanceType));
    }
}
