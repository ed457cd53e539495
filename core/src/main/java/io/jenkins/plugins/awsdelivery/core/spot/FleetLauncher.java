package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.spot.FleetApi.FleetAnswer;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi.FleetRequest;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi.LaunchedInstance;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi.PoolError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Launches capacity with CreateFleet (instant): one request carries every usable pool; pools that answer with no
 * capacity cool down and the rest are asked again; what Spot cannot supply is asked on demand when the fallback
 * is on; an account limit stops at once.
 */
final class FleetLauncher {

    /** At most this many requests per market and launch: a first try and one retry without the failed pools. */
    private static final int ROUNDS = 2;

    /** What one launch did. */
    record Outcome(List<LaunchedInstance> launched, int fallbackUnits, int missingUnits, Set<Pool> cooled,
                   List<String> problems, Optional<PoolError> limit, int requests) {
    }

    private final SpotFleetConfig config;
    private final FleetApi api;
    private final PoolCooldowns cooldowns;

    FleetLauncher(SpotFleetConfig config, FleetApi api, PoolCooldowns cooldowns) {
        this.config = config;
        this.api = api;
        this.cooldowns = cooldowns;
    }

    Outcome launch(String launchTemplateId, int units, int onDemandUnits, Instant now, Supplier<String> tokens) {
        List<LaunchedInstance> launched = new ArrayList<>();
        Set<Pool> cooled = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        PoolError limit = null;
        int requests = 0;
        int spotLeft = units - onDemandUnits;
        int onDemandLeft = onDemandUnits;
        for (int round = 0; round < ROUNDS && (spotLeft > 0 || onDemandLeft > 0) && limit == null; round++) {
            Market main = spotLeft > 0 ? Market.SPOT : Market.ON_DEMAND;
            List<Pool> pools = cooldowns.usable(config.pools(), main, now);
            if (pools.isEmpty()) {
                problems.add("Every " + (main == Market.SPOT ? "Spot" : "on-demand") + " pool is cooling down after "
                        + "a capacity error.");
                break;
            }
            FleetAnswer answer;
            try {
                answer = api.createFleet(new FleetRequest(config, launchTemplateId, pools, spotLeft, onDemandLeft,
                        tokens.get()));
            } catch (RuntimeException e) {
                if (launched.isEmpty()) {
                    throw e;
                }
                // Keep what the first request launched; the failure is reported with it.
                problems.add(e instanceof io.jenkins.plugins.awsdelivery.core.StageException se ? se.describe()
                        : String.valueOf(e));
                break;
            }
            requests++;
            for (LaunchedInstance i : answer.instances()) {
                launched.add(i);
                int w = config.weightOf(i.pool().instanceType());
                if (i.market() == Market.SPOT) {
                    spotLeft -= w;
                } else {
                    onDemandLeft -= w;
                }
            }
            int newlyCooled = 0;
            for (PoolError e : answer.errors()) {
                switch (LaunchErrors.meaning(e.code())) {
                    case POOL_UNAVAILABLE -> {
                        if (e.pool().isPresent() && cooled.add(e.pool().get())) {
                            cooldowns.coolDown(e.pool().get(), e.market(), now, config.poolCooldown());
                            newlyCooled++;
                        }
                    }
                    case ACCOUNT_LIMIT -> limit = limit == null ? e : limit;
                    default -> problems.add(e.code() + " in " + e.pool().map(Pool::toString).orElse("the request")
                            + ": " + e.message());
                }
            }
            spotLeft = Math.max(0, spotLeft);
            onDemandLeft = Math.max(0, onDemandLeft);
            if (newlyCooled == 0) {
                break; // asking the same pools again would get the same answer
            }
        }
        int fallback = 0;
        if (spotLeft > 0 && limit == null && config.onDemandFallback()) {
            List<Pool> pools = cooldowns.usable(config.pools(), Market.ON_DEMAND, now);
            FleetAnswer answer = null;
            if (!pools.isEmpty()) {
                try {
                    answer = api.createFleet(new FleetRequest(config, launchTemplateId, pools, 0, spotLeft,
                            tokens.get()));
                } catch (RuntimeException e) {
                    if (launched.isEmpty()) {
                        throw e;
                    }
                    problems.add(e instanceof io.jenkins.plugins.awsdelivery.core.StageException se ? se.describe()
                            : String.valueOf(e));
                }
            }
            if (answer != null) {
                requests++;
                for (LaunchedInstance i : answer.instances()) {
                    launched.add(i);
                    int w = config.weightOf(i.pool().instanceType());
                    fallback += w;
                    spotLeft -= w;
                }
                for (PoolError e : answer.errors()) {
                    switch (LaunchErrors.meaning(e.code())) {
                        case POOL_UNAVAILABLE -> e.pool().ifPresent(p -> cooldowns.coolDown(p, Market.ON_DEMAND, now,
                                config.poolCooldown()));
                        case ACCOUNT_LIMIT -> limit = limit == null ? e : limit;
                        default -> problems.add(e.code() + " (on-demand fallback): " + e.message());
                    }
                }
            }
        }
        int missing = Math.max(0, spotLeft) + Math.max(0, onDemandLeft);
        return new Outcome(launched, fallback, missing, cooled, problems, Optional.ofNullable(limit), requests);
    }
}
