package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
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
 * Launches capacity with CreateFleet (instant), one template at a time: one request carries every usable pool of
 * the template; pools that answer with no
 * capacity cool down and the rest are asked again; what Spot cannot supply is asked on demand when the fallback
 * is on; an account limit stops at once.
 */
final class FleetLauncher {

    /** At most this many requests per market and launch: a first try and one retry without the failed pools. */
    private static final int ROUNDS = 2;

    /** What one launch did. */
    record Outcome(List<LaunchedInstance> launched, int fallbackUnits, int missingUnits, Set<Pool> cooled,
                   List<String> problems, Optional<PoolError> limit) {
    }

    private final SpotFleetConfig config;
    private final FleetApi api;
    private final PoolCooldowns cooldowns;

    FleetLauncher(SpotFleetConfig config, FleetApi api, PoolCooldowns cooldowns) {
        this.config = config;
        this.api = api;
        this.cooldowns = cooldowns;
    }

    /** The running state of one launch: what is launched, left, cooled and wrong so far. */
    private final class Attempt {
        final AgentTemplate template;
        final List<LaunchedInstance> launched = new ArrayList<>();
        final Set<Pool> cooled = new LinkedHashSet<>();
        final List<String> problems = new ArrayList<>();
        PoolError limit;
        int spotLeft;
        int onDemandLeft;
        int fallback;

        Attempt(AgentTemplate template) {
            this.template = template;
        }

        /**
         * One CreateFleet. A failure is thrown when nothing was launched yet; after a first success it becomes a
         * problem, so that what was launched is kept (and null is returned).
         */
        FleetAnswer ask(FleetRequest request) {
            try {
                return api.createFleet(request);
            } catch (RuntimeException e) {
                if (launched.isEmpty()) {
                    throw e;
                }
                problems.add(e instanceof StageException se ? se.describe() : String.valueOf(e));
                return null;
            }
        }

        /** Takes in one answer; returns how many pools it newly cooled down. */
        int absorb(FleetAnswer answer, Instant now, boolean onDemandFallback) {
            for (LaunchedInstance i : answer.instances()) {
                launched.add(i);
                int w = template.weightOf(i.pool().instanceType());
                if (onDemandFallback) {
                    fallback += w;
                    spotLeft -= w;
                } else if (i.market() == Market.SPOT) {
                    spotLeft -= w;
                } else {
                    onDemandLeft -= w;
                }
            }
            int newlyCooled = 0;
            for (PoolError e : answer.errors()) {
                switch (LaunchErrors.meaning(e.code())) {
                    case POOL_UNAVAILABLE -> {
                        if (onDemandFallback) {
                            e.pool().ifPresent(p -> cooldowns.coolDown(p, Market.ON_DEMAND, now,
                                    config.poolCooldown(), template.name(), LaunchErrors.sharedByTemplates(e.code())));
                        } else if (e.pool().isPresent() && cooled.add(e.pool().get())) {
                            cooldowns.coolDown(e.pool().get(), e.market(), now, config.poolCooldown(),
                                    template.name(), LaunchErrors.sharedByTemplates(e.code()));
                            newlyCooled++;
                        }
                    }
                    case ACCOUNT_LIMIT -> limit = limit == null ? e : limit;
                    default -> problems.add(e.code() + (onDemandFallback ? " (on-demand fallback)"
                            : " in " + e.pool().map(Pool::toString).orElse("the request")) + ": " + e.message());
                }
            }
            spotLeft = Math.max(0, spotLeft);
            onDemandLeft = Math.max(0, onDemandLeft);
            return newlyCooled;
        }
    }

    /** Launches for the first template. */
    Outcome launch(String launchTemplateId, int units, int onDemandUnits, Instant now, Supplier<String> tokens) {
        return launch(config.templates().get(0), launchTemplateId, units, onDemandUnits, now, tokens);
    }

    /** Launches {@code units} agents of {@code template}, {@code onDemandUnits} of them on demand. */
    Outcome launch(AgentTemplate template, String launchTemplateId, int units, int onDemandUnits, Instant now,
                   Supplier<String> tokens) {
        Attempt a = new Attempt(template);
        List<Pool> all = config.pools(template);
        a.spotLeft = units - onDemandUnits;
        a.onDemandLeft = onDemandUnits;
        for (int round = 0; round < ROUNDS && (a.spotLeft > 0 || a.onDemandLeft > 0) && a.limit == null; round++) {
            Market main = a.spotLeft > 0 ? Market.SPOT : Market.ON_DEMAND;
            List<Pool> pools = cooldowns.usable(all, main, now, template.name());
            if (pools.isEmpty()) {
                a.problems.add("Every " + (main == Market.SPOT ? "Spot" : "on-demand") + " pool is cooling down "
                        + "after a capacity error.");
                break;
            }
            FleetAnswer answer = a.ask(new FleetRequest(config, template, launchTemplateId, pools, a.spotLeft,
                    a.onDemandLeft, tokens.get()));
            if (answer == null || a.absorb(answer, now, false) == 0) {
                break; // a failure, or asking the same pools again would get the same answer
            }
        }
        if (a.spotLeft > 0 && a.limit == null && config.onDemandFallback()) {
            List<Pool> pools = cooldowns.usable(all, Market.ON_DEMAND, now, template.name());
            FleetAnswer answer = pools.isEmpty() ? null
                    : a.ask(new FleetRequest(config, template, launchTemplateId, pools, 0, a.spotLeft,
                    tokens.get()));
            if (answer != null) {
                a.absorb(answer, now, true);
            }
        }
        return new Outcome(a.launched, a.fallback, a.spotLeft + a.onDemandLeft, a.cooled, a.problems,
                Optional.ofNullable(a.limit));
    }
}
