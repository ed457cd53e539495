package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateFleetError;
import software.amazon.awssdk.services.ec2.model.CreateFleetInstance;
import software.amazon.awssdk.services.ec2.model.CreateFleetRequest;
import software.amazon.awssdk.services.ec2.model.CreateFleetResponse;
import software.amazon.awssdk.services.ec2.model.DefaultTargetCapacityType;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateConfigRequest;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateOverrides;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateOverridesRequest;
import software.amazon.awssdk.services.ec2.model.FleetType;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateAndOverridesResponse;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateHttpTokensState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.MemoryMiBRequest;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VCpuCountRangeRequest;

/** {@link FleetApi} over the AWS SDK's EC2 client. */
public final class Ec2FleetApi implements FleetApi {

    private final AwsClientFactory aws;
    private final Clock clock;

    public Ec2FleetApi(AwsClientFactory aws, Clock clock) {
        this.aws = Objects.requireNonNull(aws, "aws");
        this.clock = clock;
    }

    /** The client factory this API calls through; {@link SpotCheck} makes its own calls with it. */
    AwsClientFactory aws() {
        return aws;
    }

    private Ec2Client ec2() {
        return aws.client(Ec2Client::builder);
    }

    @Override
    public FleetAnswer createFleet(FleetRequest request) {
        CreateFleetResponse response = aws.call("ec2:CreateFleet", () -> ec2().createFleet(build(request, false)));
        return answer(response);
    }

    /**
     * CreateFleet with {@code DryRun}: EC2 checks permissions and the request without launching anything. Returns
     * what the request would launch; a refusal comes back as the usual {@link
     * io.jenkins.plugins.awsdelivery.core.StageException}.
     */
    public String dryRun(FleetRequest request) {
        try {
            aws.call("ec2:CreateFleet", () -> ec2().createFleet(build(request, true)));
        } catch (io.jenkins.plugins.awsdelivery.core.StageException e) {
            if (e.getCause() instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                    && "DryRunOperation".equals(ase.awsErrorDetails().errorCode())) {
                return "EC2 accepts the request: " + request.totalUnits() + " instance(s) ("
                        + request.spotUnits() + " Spot, " + request.onDemandUnits() + " on-demand) from "
                        + request.pools().size() + " pool(s) with launch template " + request.launchTemplateId()
                        + ", allocation " + request.config().allocationStrategy().apiValue() + ".";
            }
            throw e;
        }
        return "EC2 answered a dry run without DryRunOperation; nothing was launched.";
    }

    private CreateFleetRequest build(FleetRequest request, boolean dryRun) {
        SpotFleetConfig config = request.config();
        AgentTemplate template = request.template();
        List<FleetLaunchTemplateOverridesRequest> overrides = new ArrayList<>();
        for (Pool pool : request.pools()) {
            FleetLaunchTemplateOverridesRequest.Builder o = FleetLaunchTemplateOverridesRequest.builder()
                    .subnetId(pool.subnetId());
            if (Pool.ANY_TYPE.equals(pool.instanceType())) {
                InstanceRequirementsSpec req = template.instanceRequirements().orElseThrow();
                o.instanceRequirements(InstanceRequirementsRequest.builder()
                        .vCpuCount(VCpuCountRangeRequest.builder().min(req.minVcpu())
                                .max(req.maxVcpu() == 0 ? null : req.maxVcpu()).build())
                        .memoryMiB(MemoryMiBRequest.builder().min(req.minMemoryMiB())
                                .max(req.maxMemoryMiB() == 0 ? null : req.maxMemoryMiB()).build())
                        .build());
            } else {
                o.instanceType(pool.instanceType())
                        .weightedCapacity((double) template.weightOf(pool.instanceType()));
            }
            config.maxSpotPrice().ifPresent(p -> o.maxPrice(p.toPlainString()));
            overrides.add(o.build());
        }
        CreateFleetRequest.Builder r = CreateFleetRequest.builder()
                .dryRun(dryRun)
                .type(FleetType.INSTANT)
                .clientToken(request.clientToken())
                .launchTemplateConfigs(FleetLaunchTemplateConfigRequest.builder()
                        .launchTemplateSpecification(s -> {
                            if (request.launchTemplateId().startsWith("lt-")) {
                                s.launchTemplateId(request.launchTemplateId());
                            } else {
                                s.launchTemplateName(request.launchTemplateId());
                            }
                            s.version(template.usesAmi() ? "$Latest" : template.launchTemplateVersion());
                        })
                        .overrides(overrides).build())
                .targetCapacitySpecification(t -> t.totalTargetCapacity(request.totalUnits())
                        .onDemandTargetCapacity(request.onDemandUnits())
                        .spotTargetCapacity(request.spotUnits())
                        .defaultTargetCapacityType(request.spotUnits() > 0
                                ? DefaultTargetCapacityType.SPOT : DefaultTargetCapacityType.ON_DEMAND))
                .spotOptions(s -> s.allocationStrategy(config.allocationStrategy().apiValue()))
                .onDemandOptions(o -> o.allocationStrategy("lowest-price"))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(tags(config.instanceTags(template))).build());
        return r.build();
    }

    private static FleetAnswer answer(CreateFleetResponse response) {
        List<LaunchedInstance> launched = new ArrayList<>();
        for (CreateFleetInstance i : response.instances()) {
            Pool pool = poolOf(i.launchTemplateAndOverrides(), i.instanceTypeAsString());
            Market market = Market.fromLifecycle(i.lifecycleAsString());
            for (String id : i.instanceIds()) {
                launched.add(new LaunchedInstance(id, pool, market));
            }
        }
        List<PoolError> errors = new ArrayList<>();
        for (CreateFleetError e : response.errors()) {
            Optional<Pool> pool = Optional.ofNullable(e.launchTemplateAndOverrides())
                    .map(LaunchTemplateAndOverridesResponse::overrides)
                    .filter(o -> o.subnetId() != null)
                    .map(o -> new Pool(o.instanceTypeAsString() == null ? Pool.ANY_TYPE : o.instanceTypeAsString(),
                            o.subnetId()));
            errors.add(new PoolError(pool, Market.fromLifecycle(e.lifecycleAsString()), e.errorCode(),
                    e.errorMessage() == null ? "" : e.errorMessage()));
        }
        return new FleetAnswer(launched, errors);
    }

    private static Pool poolOf(LaunchTemplateAndOverridesResponse lto, String instanceType) {
        FleetLaunchTemplateOverrides o = lto == null ? null : lto.overrides();
        String subnet = o == null || o.subnetId() == null ? "subnet-unknown" : o.subnetId();
        String type = instanceType != null ? instanceType
                : o != null && o.instanceTypeAsString() != null ? o.instanceTypeAsString() : Pool.ANY_TYPE;
        return new Pool(type, subnet);
    }

    @Override
    public List<ManagedInstance> describeManagedInstances(String controllerId, String cloudName) {
        List<ManagedInstance> found = new ArrayList<>();
        aws.call("ec2:DescribeInstances", () -> {
            ec2().describeInstancesPaginator(r -> r.filters(
                    Filter.builder().name("tag:" + SpotFleetConfig.TAG_CONTROLLER).values(controllerId).build(),
                    Filter.builder().name("tag:" + SpotFleetConfig.TAG_CLOUD).values(cloudName).build(),
                    Filter.builder().name("instance-state-name").values("pending", "running").build())
                    .maxResults(1000))
                    .reservations().forEach(res -> res.instances()
                            .forEach(i -> found.add(managed(res.ownerId(), i))));
            return null;
        });
        return found;
    }

    private static ManagedInstance managed(String accountId, Instance i) {
        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
        i.tags().forEach(t -> tags.put(t.key(), t.value()));
        return new ManagedInstance(i.instanceId(), new Pool(i.instanceTypeAsString(),
                i.subnetId() == null ? "subnet-unknown" : i.subnetId()),
                Market.fromLifecycle(i.instanceLifecycleAsString()), i.launchTime(),
                i.state() == null ? "unknown" : i.state().nameAsString(), i.privateIpAddress(), tags, accountId);
    }

    @Override
    public Optional<ManagedInstance> describeInstance(String instanceId) {
        try {
            List<ManagedInstance> found = new ArrayList<>();
            aws.call("ec2:DescribeInstances", () -> ec2().describeInstances(r -> r.instanceIds(instanceId)))
                    .reservations().forEach(res -> res.instances()
                            .forEach(i -> found.add(managed(res.ownerId(), i))));
            return found.stream().findFirst();
        } catch (io.jenkins.plugins.awsdelivery.core.StageException e) {
            if (e.getCause() instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                    && String.valueOf(ase.awsErrorDetails().errorCode()).startsWith("InvalidInstanceID")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void terminateInstances(Collection<String> instanceIds) {
        List<String> ids = List.copyOf(instanceIds);
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            aws.call("ec2:TerminateInstances", () -> ec2().terminateInstances(r -> r.instanceIds(chunk)));
        }
    }

    @Override
    public void retag(Collection<String> instanceIds, String cloudName) {
        List<String> ids = List.copyOf(instanceIds);
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            aws.call("ec2:CreateTags", () -> ec2().createTags(r -> r.resources(chunk).tags(
                    software.amazon.awssdk.services.ec2.model.Tag.builder().key(SpotFleetConfig.TAG_CLOUD)
                            .value(cloudName).build())));
        }
    }

    @Override
    public List<SpotPrice> spotPrices(Collection<String> instanceTypes) {
        List<SpotPrice> prices = new ArrayList<>();
        aws.call("ec2:DescribeSpotPriceHistory", () -> {
            ec2().describeSpotPriceHistoryPaginator(r -> r.instanceTypesWithStrings(instanceTypes)
                            .productDescriptions("Linux/UNIX").startTime(clock.instant()))
                    .spotPriceHistory().forEach(p -> prices.add(new SpotPrice(p.instanceTypeAsString(),
                            p.availabilityZone(), new BigDecimal(p.spotPrice()), p.timestamp())));
            return null;
        });
        return prices;
    }

    @Override
    public String ensureLaunchTemplate(SpotFleetConfig config) {
        return ensureLaunchTemplate(config, config.templates().get(0));
    }

    @Override
    public String ensureLaunchTemplate(SpotFleetConfig config, AgentTemplate template) {
        String name = template.ownLaunchTemplateName(config.cloudName());
        RequestLaunchTemplateData wanted = launchTemplateData(template);
        Optional<LaunchTemplateVersion> latest;
        try {
            latest = aws.call("ec2:DescribeLaunchTemplateVersions", () -> ec2().describeLaunchTemplateVersions(r -> r
                    .launchTemplateName(name).versions("$Latest"))).launchTemplateVersions().stream().findFirst();
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof AwsServiceException ase) || !isNotFound(ase)) {
                throw e;
            }
            latest = Optional.empty();
        }
        if (latest.isEmpty()) {
            return aws.call("ec2:CreateLaunchTemplate", () -> ec2().createLaunchTemplate(r -> r
                    .launchTemplateName(name).launchTemplateData(wanted)
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE)
                            .tags(tags(Map.of(SpotFleetConfig.TAG_CONTROLLER, config.controllerId(),
                                    SpotFleetConfig.TAG_CLOUD, config.cloudName(),
                                    SpotFleetConfig.TAG_TEMPLATE, template.name()))).build())))
                    .launchTemplate().launchTemplateId();
        }
        LaunchTemplateVersion current = latest.get();
        refuseForeign(name, current.launchTemplateId(), config);
        if (!sameData(current, wanted)) {
            aws.call("ec2:CreateLaunchTemplateVersion", () -> ec2().createLaunchTemplateVersion(r -> r
                    .launchTemplateId(current.launchTemplateId()).launchTemplateData(wanted)));
        }
        return current.launchTemplateId();
    }

    /** Refuses a launch template of this name that another cloud or controller made (or someone made by hand). */
    private void refuseForeign(String name, String launchTemplateId, SpotFleetConfig config) {
        Map<String, String> have = new java.util.HashMap<>();
        aws.call("ec2:DescribeLaunchTemplates", () -> ec2().describeLaunchTemplates(r -> r
                .launchTemplateIds(launchTemplateId))).launchTemplates()
                .forEach(t -> t.tags().forEach(tag -> have.put(tag.key(), tag.value())));
        if (!config.cloudName().equals(have.get(SpotFleetConfig.TAG_CLOUD))
                || !config.controllerId().equals(have.get(SpotFleetConfig.TAG_CONTROLLER))) {
            throw io.jenkins.plugins.awsdelivery.core.StageException.invalidInput("The launch template " + name
                    + " (" + launchTemplateId + ") exists but is not this cloud's: its tags "
                    + SpotFleetConfig.TAG_CLOUD + "=" + have.get(SpotFleetConfig.TAG_CLOUD) + ", "
                    + SpotFleetConfig.TAG_CONTROLLER + "=" + have.get(SpotFleetConfig.TAG_CONTROLLER)
                    + " are not cloud '" + config.cloudName() + "' of controller '" + config.controllerId() + "'.",
                    "Delete or rename that launch template, or rename the cloud.");
        }
    }

    private static boolean isNotFound(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        return code.startsWith("InvalidLaunchTemplateName.NotFound") || code.startsWith("InvalidLaunchTemplateId");
    }

    private static RequestLaunchTemplateData launchTemplateData(AgentTemplate config) {
        RequestLaunchTemplateData.Builder d = RequestLaunchTemplateData.builder()
                .imageId(config.amiId().orElseThrow())
                .securityGroupIds(config.securityGroupIds())
                // IMDSv2 only, and a hop limit that lets an agent in a container read interruption notices.
                .metadataOptions(m -> m.httpTokens(LaunchTemplateHttpTokensState.REQUIRED).httpPutResponseHopLimit(2));
        config.instanceProfile().ifPresent(p -> d.iamInstanceProfile(i -> {
            if (p.startsWith("arn:")) {
                i.arn(p);
            } else {
                i.name(p);
            }
        }));
        config.keyName().ifPresent(d::keyName);
        config.userData().ifPresent(u -> d.userData(Base64.getEncoder()
                .encodeToString(u.getBytes(StandardCharsets.UTF_8))));
        return d.build();
    }

    private static boolean sameData(LaunchTemplateVersion current, RequestLaunchTemplateData wanted) {
        var have = current.launchTemplateData();
        if (have == null) {
            return false;
        }
        String profile = have.iamInstanceProfile() == null ? null
                : have.iamInstanceProfile().arn() != null ? have.iamInstanceProfile().arn()
                : have.iamInstanceProfile().name();
        String wantedProfile = wanted.iamInstanceProfile() == null ? null
                : wanted.iamInstanceProfile().arn() != null ? wanted.iamInstanceProfile().arn()
                : wanted.iamInstanceProfile().name();
        return Objects.equals(have.imageId(), wanted.imageId())
                && Objects.equals(have.securityGroupIds(), wanted.securityGroupIds())
                && Objects.equals(have.userData(), wanted.userData())
                && Objects.equals(have.keyName(), wanted.keyName())
                && Objects.equals(profile, wantedProfile);
    }

    private static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
