package io.jenkins.plugins.awsdelivery.bench.spot;

import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.Market;
import io.jenkins.plugins.awsdelivery.core.spot.Pool;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * EC2 for the engine in the simulation: CreateFleet (instant) answers from the modelled pools the way EC2 does
 * (capacity-optimized, or price-capacity-optimized: the cheapest of the deeper half of the pools given; an
 * InsufficientInstanceCapacity error for each empty pool), and every
 * call is counted by operation.
 */
final class SimulatedFleetApi implements FleetApi {

    private final SpotMarketModel market;
    private final SimClock clock;
    private final Simulation.Boot boot;
    private final Consumer<SimInstance> launched;
    private final Consumer<SimInstance> terminated;
    final Map<String, Long> calls = new TreeMap<>();
    private final Map<String, SimInstance> byId = new java.util.HashMap<>();

    SimulatedFleetApi(SpotMarketModel market, SimClock clock, Simulation.Boot boot, Consumer<SimInstance> launched,
                      Consumer<SimInstance> terminated) {
        this.market = market;
        this.clock = clock;
        this.boot = boot;
        this.launched = launched;
        this.terminated = terminated;
    }

    private void count(String op) {
        calls.merge("Ec2." + op, 1L, Long::sum);
    }

    @Override
    public FleetAnswer createFleet(FleetRequest request) {
        count("CreateFleet");
        List<LaunchedInstance> out = new ArrayList<>();
        List<PoolError> errors = new ArrayList<>();
        int executors = request.config().executorsPerAgent();
        for (int n = 0; n < request.onDemandUnits(); n++) {
            Pool p = request.pools().get(0);
            SimInstance i = market.launch(p, Market.ON_DEMAND, clock.now(), executors, boot.seconds(p.instanceType()));
            register(i, out);
        }
        java.util.Set<Pool> failed = new java.util.HashSet<>();
        boolean priceAware = request.config().allocationStrategy() != AllocationStrategy.CAPACITY_OPTIMIZED;
        for (int n = 0; n < request.spotUnits(); n++) {
            for (Pool p : request.pools()) {
                if (market.free(p) <= 0 && failed.add(p)) {
                    errors.add(new PoolError(Optional.of(p), Market.SPOT, "InsufficientInstanceCapacity",
                            "There is no Spot capacity available that matches your request."));
                }
            }
            Pool pick = market.pick(request.pools(), priceAware);
            if (pick == null) {
                break;
            }
            register(market.launch(pick, Market.SPOT, clock.now(), executors, boot.seconds(pick.instanceType())), out);
        }
        return new FleetAnswer(out, errors);
    }

    private void register(SimInstance i, List<LaunchedInstance> out) {
        byId.put(i.id, i);
        out.add(new LaunchedInstance(i.id, i.pool, i.market));
        launched.accept(i);
    }

    @Override
    public List<ManagedInstance> describeManagedInstances(String controllerId, String cloudName) {
        count("DescribeInstances");
        List<ManagedInstance> out = new ArrayList<>();
        for (SimInstance i : byId.values()) {
            if (i.alive) {
                out.add(managed(i));
            }
        }
        return out;
    }

    private static ManagedInstance managed(SimInstance i) {
        return new ManagedInstance(i.id, i.pool, i.market, SimClock.EPOCH.plusSeconds(i.launchedAt), "running",
                "10.0.0.1", Map.of());
    }

    @Override
    public Optional<ManagedInstance> describeInstance(String instanceId) {
        count("DescribeInstances");
        SimInstance i = byId.get(instanceId);
        return i == null || !i.alive ? Optional.empty() : Optional.of(managed(i));
    }

    @Override
    public void terminateInstances(Collection<String> instanceIds) {
        count("TerminateInstances");
        for (String id : instanceIds) {
            SimInstance i = byId.get(id);
            if (i != null && i.alive) {
                terminated.accept(i);
            }
        }
    }

    /** Forgets dead instances so the map stays small over a week. */
    void forget(SimInstance i) {
        byId.remove(i.id);
    }

    @Override
    public List<SpotPrice> spotPrices(Collection<String> instanceTypes) {
        count("DescribeSpotPriceHistory");
        List<SpotPrice> out = new ArrayList<>();
        for (SpotMarketModel.PoolModel p : market.pools.values()) {
            if (instanceTypes.contains(p.pool.instanceType())) {
                out.add(new SpotPrice(p.pool.instanceType(), p.pool.subnetId(), BigDecimal.valueOf(p.spotPrice),
                        clock.instant()));
            }
        }
        return out;
    }

    @Override
    public String ensureLaunchTemplate(SpotFleetConfig config) {
        count("CreateLaunchTemplate");
        return "lt-0123456789abcdef0";
    }
}
