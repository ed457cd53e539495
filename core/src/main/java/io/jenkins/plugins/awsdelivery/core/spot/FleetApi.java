package io.jenkins.plugins.awsdelivery.core.spot;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The EC2 operations the engine uses. {@link Ec2FleetApi} speaks to EC2 through the AWS SDK; the simulator in
 * {@code bench} implements it with modelled pools. Each method is one API call (paginated ones may be several).
 */
public interface FleetApi {

    /**
     * One CreateFleet of type {@code instant}: EC2 picks pools among {@code pools} and answers at once with the
     * instances it launched and one error per pool it could not use.
     */
    FleetAnswer createFleet(FleetRequest request);

    /** DescribeInstances filtered by the cloud's identity tags, pending and running instances only. */
    List<ManagedInstance> describeManagedInstances(String controllerId, String cloudName);

    /** DescribeInstances for one instance ID, whatever its tags; empty when EC2 does not know it. */
    Optional<ManagedInstance> describeInstance(String instanceId);

    /** TerminateInstances for up to 1000 IDs at once. */
    void terminateInstances(Collection<String> instanceIds);

    /** Current Spot prices (DescribeSpotPriceHistory from now) for these types, Linux/UNIX, per Availability Zone. */
    List<SpotPrice> spotPrices(Collection<String> instanceTypes);

    /** The launch template the engine keeps for the first template's AMI: found by name or created; its ID. */
    String ensureLaunchTemplate(SpotFleetConfig config);

    /**
     * The launch template the engine keeps for {@code template}'s AMI ({@link
     * AgentTemplate#ownLaunchTemplateName}): found by name or created; returns its ID. Implementations that only
     * know single-template clouds answer with {@link #ensureLaunchTemplate(SpotFleetConfig)}.
     */
    default String ensureLaunchTemplate(SpotFleetConfig config, AgentTemplate template) {
        return ensureLaunchTemplate(config);
    }

    /**
     * What one CreateFleet asks for.
     *
     * @param template the agent template the instances are launched for (types, weights, tags)
     * @param launchTemplate the launch template's ID ({@code lt-...}) or name
     * @param clientToken idempotency token: a request retried after a lost answer launches nothing twice
     */
    record FleetRequest(SpotFleetConfig config, AgentTemplate template, String launchTemplateId, List<Pool> pools,
                        int spotUnits, int onDemandUnits, String clientToken) {
        public FleetRequest {
            pools = List.copyOf(pools);
        }

        /** A request for the cloud's first template. */
        public FleetRequest(SpotFleetConfig config, String launchTemplateId, List<Pool> pools, int spotUnits,
                            int onDemandUnits, String clientToken) {
            this(config, config.templates().get(0), launchTemplateId, pools, spotUnits, onDemandUnits, clientToken);
        }

        public int totalUnits() {
            return spotUnits + onDemandUnits;
        }
    }

    /** CreateFleet's answer: instances launched and errors per pool. */
    record FleetAnswer(List<LaunchedInstance> instances, List<PoolError> errors) {
        public FleetAnswer {
            instances = List.copyOf(instances);
            errors = List.copyOf(errors);
        }
    }

    record LaunchedInstance(String instanceId, Pool pool, Market market) {
    }

    /** One entry of CreateFleet's {@code Errors}; {@code pool} is empty when EC2 did not name one. */
    record PoolError(Optional<Pool> pool, Market market, String code, String message) {
    }

    /** An instance found by its tags (or its ID), with its tags and private address. */
    /** @param accountId the owner of the instance's reservation, empty when EC2 did not say */
    /**
     * Tags instances with another cloud name (CreateTags): a renamed cloud takes over the instances its former
     * name launched.
     */
    default void retag(Collection<String> instanceIds, String cloudName) {
        throw new UnsupportedOperationException("retag");
    }

    record ManagedInstance(String instanceId, Pool pool, Market market, Instant launchTime, String state,
                           String privateIp, java.util.Map<String, String> tags, String accountId) {
        public ManagedInstance {
            tags = tags == null ? java.util.Map.of() : java.util.Map.copyOf(tags);
            accountId = accountId == null ? "" : accountId;
        }

        public ManagedInstance(String instanceId, Pool pool, Market market, Instant launchTime, String state,
                               String privateIp, java.util.Map<String, String> tags) {
            this(instanceId, pool, market, launchTime, state, privateIp, tags, "");
        }
    }

    record SpotPrice(String instanceType, String availabilityZone, BigDecimal pricePerHour, Instant timestamp) {
    }
}
