package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.Problem;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult.ProblemKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;

/**
 * Checks a Spot cloud's configuration against EC2 and IAM without launching anything, one call per kind of
 * resource: the subnets exist (DescribeSubnets), the instance types exist (DescribeInstanceTypes) and are offered in
 * the subnets' zones (DescribeInstanceTypeOfferings), the launch template and its version exist
 * (DescribeLaunchTemplates, DescribeLaunchTemplateVersions), the image exists, is available and fits the types'
 * architectures and the template's platform (DescribeImages), the security groups exist in the subnets' VPC
 * (DescribeSecurityGroups), the instance profile exists (iam:GetInstanceProfile), and EC2 accepts a dry-run
 * CreateFleet. Every problem is listed, and a call AWS denies is a problem naming the IAM action, so one run shows all
 * that is to fix.
 *
 * <p>With a launch template, its image, security groups and instance profile are checked as well.
 */
public final class SpotCheck {

    private final AwsClientFactory aws;
    private final Ec2FleetApi fleet;
    private final Clock clock;
    private final List<String> checked = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** The template being checked, named in problems; null for the cloud-wide checks or a classic cloud. */
    private String scope;

    public SpotCheck(AwsClientFactory aws, Clock clock) {
        this(aws, new Ec2FleetApi(aws, clock), clock);
    }

    SpotCheck(AwsClientFactory aws, Ec2FleetApi fleet, Clock clock) {
        this.aws = Objects.requireNonNull(aws, "aws");
        this.fleet = fleet;
        this.clock = clock;
    }

    private Ec2Client ec2() {
        return aws.client(Ec2Client::builder);
    }

    /**
     * Runs every check: the subnets once, then each template's instance types, launch template or AMI, security
     * groups, instance profile and dry run, naming the template in what it finds when the cloud has several (or
     * one not named "default"). Throws only when AWS cannot be asked at all (no credentials, no network).
     */
    public SpotCheckResult run(SpotFleetConfig config) {
        checked.clear();
        problems.clear();
        warnings.clear();
        scope = null;
        warnings.addAll(config.warnings());
        Map<String, Subnet> subnets = subnets(config);
        boolean named = config.templates().size() > 1
                || !AgentTemplate.DEFAULT_NAME.equals(config.templates().get(0).name());
        List<String> dryRuns = new ArrayList<>();
        int pools = 0;
        for (AgentTemplate t : config.templates()) {
            scope = named ? t.name() : null;
            pools += config.pools(t).size();
            String dryRun = check(config, t, subnets);
            dryRuns.add(named ? "Template " + t.name() + ": " + dryRun : dryRun);
        }
        scope = null;
        List<FleetApi.ManagedInstance> instances = attempt("name", "ec2:DescribeInstances",
                "the cloud's running instances",
                () -> fleet.describeManagedInstances(config.controllerId(), config.cloudName())).orElse(List.of());
        return new SpotCheckResult(config.cloudName(), pools, checked, problems, warnings,
                String.join("\n", dryRuns), instances, aws.calls().calls());
    }

    /** The checks of one template; returns its dry run's answer. */
    private String check(SpotFleetConfig config, AgentTemplate t, Map<String, Subnet> subnets) {
        Map<String, InstanceTypeInfo> types = instanceTypes(t, subnets);
        Optional<ResponseLaunchTemplateData> template = t.usesAmi() ? Optional.empty() : launchTemplate(t);
        String field = t.usesAmi() ? "amiId" : "launchTemplate";
        Optional<String> image = t.amiId().or(() -> template.map(ResponseLaunchTemplateData::imageId));
        image.ifPresent(id -> image(field, id, types, t));
        List<String> groups = t.usesAmi() ? t.securityGroupIds()
                : template.map(ResponseLaunchTemplateData::securityGroupIds).orElse(List.of());
        securityGroups(t.usesAmi() ? "securityGroupIds" : "launchTemplate", groups, subnets);
        Optional<String> profile = t.instanceProfile().or(() -> template
                .map(ResponseLaunchTemplateData::iamInstanceProfile)
                .map(p -> p.arn() != null ? p.arn() : p.name()));
        profile.ifPresent(p -> instanceProfile(t.usesAmi() ? "instanceProfile" : "launchTemplate", p));
        return dryRun(config, t, template.isPresent());
    }

    /** Something found, under the template being checked. */
    private void found(String what) {
        checked.add(scope == null ? what : "template " + scope + ": " + what);
    }

    private void warn(String warning) {
        warnings.add(scope == null ? warning : "Template " + scope + ": " + warning);
    }

    private Map<String, Subnet> subnets(SpotFleetConfig config) {
        Map<String, Subnet> found = new LinkedHashMap<>();
        attempt("subnetIds", "ec2:DescribeSubnets", "the subnets", () -> {
            ec2().describeSubnetsPaginator(r -> r.filters(Filter.builder().name("subnet-id")
                    .values(config.subnetIds()).build())).subnets().forEach(s -> found.put(s.subnetId(), s));
            return found;
        }).ifPresent(f -> {
            for (String id : config.subnetIds()) {
                Subnet s = f.get(id);
                if (s == null) {
                    problem("subnetIds", ProblemKind.NOT_FOUND, "Subnet " + id + " does not exist in "
                            + region() + ". Check the ID and the region.");
                } else {
                    found("subnet " + id + ": " + s.availabilityZone() + ", " + s.vpcId());
                }
            }
        });
        return found;
    }

    private Map<String, InstanceTypeInfo> instanceTypes(AgentTemplate config, Map<String, Subnet> subnets) {
        Map<String, InstanceTypeInfo> found = new LinkedHashMap<>();
        List<String> names = config.instanceTypes().stream().map(InstanceTypeWeight::instanceType).toList();
        if (names.isEmpty()) {
            config.instanceRequirements().ifPresent(r -> found("instance types: any EC2 picks with " + r));
            return found;
        }
        Optional<List<InstanceTypeInfo>> all = attempt("instanceTypes", "ec2:DescribeInstanceTypes",
                "the instance types", () -> describeTypes(names));
        if (all.isEmpty()) {
            return found;
        }
        if (all.get().isEmpty()) {
            // EC2 refuses the whole call when one type is unknown: ask for each to name every unknown one.
            for (String name : names) {
                attempt("instanceTypes", "ec2:DescribeInstanceTypes", "instance type " + name,
                        () -> describeTypes(List.of(name))).ifPresent(l -> l.forEach(
                                t -> found.put(t.instanceTypeAsString(), t)));
            }
        } else {
            all.get().forEach(t -> found.put(t.instanceTypeAsString(), t));
        }
        for (String name : names) {
            InstanceTypeInfo t = found.get(name);
            if (t == null) {
                problem("instanceTypes", ProblemKind.NOT_FOUND, "Instance type " + name + " does not exist in "
                        + region() + ". Check the name (such as m5.large) against the region's instance types.");
            } else {
                found("instance type " + name + ": " + t.processorInfo().supportedArchitecturesAsStrings()
                        + ", " + t.vCpuInfo().defaultVCpus() + " vCPU, " + t.memoryInfo().sizeInMiB() + " MiB");
            }
        }
        offerings(found, subnets);
        return found;
    }

    private List<InstanceTypeInfo> describeTypes(List<String> names) {
        return emptyWhenNotFound("InvalidInstanceType", () -> {
            List<InstanceTypeInfo> types = new ArrayList<>();
            ec2().describeInstanceTypesPaginator(r -> r.instanceTypesWithStrings(names)).instanceTypes()
                    .forEach(types::add);
            return types;
        });
    }

    /**
     * EC2 answers a Describe call naming something that does not exist (or an ID of the wrong shape) with an error
     * whose code starts with {@code codePrefix}, rather than with an empty list: this makes it the empty list.
     */
    private static <T> List<T> emptyWhenNotFound(String codePrefix, Supplier<List<T>> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (AwsErrors.errorCode(e).startsWith(codePrefix)) {
                return List.of();
            }
            throw e;
        }
    }

    private void offerings(Map<String, InstanceTypeInfo> types, Map<String, Subnet> subnets) {
        if (types.isEmpty() || subnets.isEmpty()) {
            return;
        }
        Set<String> zones = new LinkedHashSet<>();
        subnets.values().forEach(s -> zones.add(s.availabilityZone()));
        Set<String> offered = new LinkedHashSet<>();
        Optional<Set<String>> answer = attempt("instanceTypes", "ec2:DescribeInstanceTypeOfferings",
                "whether the instance types are offered in the subnets' zones", () -> {
                    ec2().describeInstanceTypeOfferingsPaginator(r -> r.locationType(LocationType.AVAILABILITY_ZONE)
                            .filters(Filter.builder().name("instance-type").values(types.keySet()).build(),
                                    Filter.builder().name("location").values(zones).build()))
                            .instanceTypeOfferings().forEach(o -> offered.add(o.instanceTypeAsString() + "@"
                                    + o.location()));
                    return offered;
                });
        if (answer.isEmpty()) {
            return;
        }
        for (String type : types.keySet()) {
            List<String> missing = zones.stream().filter(z -> !offered.contains(type + "@" + z)).toList();
            if (missing.size() == zones.size()) {
                problem("instanceTypes", ProblemKind.NOT_USABLE, "Instance type " + type + " is not offered in "
                        + "any of the subnets' Availability Zones " + zones + ". Use another type, or subnets in "
                        + "zones that offer it.");
            } else if (!missing.isEmpty()) {
                warn("Instance type " + type + " is not offered in " + missing + ": its pools in "
                        + subnetsIn(subnets, missing) + " get no instances.");
            }
        }
    }

    private static List<String> subnetsIn(Map<String, Subnet> subnets, List<String> zones) {
        return subnets.values().stream().filter(s -> zones.contains(s.availabilityZone())).map(Subnet::subnetId)
                .toList();
    }

    private Optional<ResponseLaunchTemplateData> launchTemplate(AgentTemplate config) {
        String given = config.launchTemplateId().orElseGet(() -> config.launchTemplateName().orElseThrow());
        Optional<List<LaunchTemplate>> templates = attempt("launchTemplate", "ec2:DescribeLaunchTemplates",
                "launch template " + given, () -> emptyWhenNotFound("InvalidLaunchTemplate",
                        () -> ec2().describeLaunchTemplates(r -> {
                            if (config.launchTemplateId().isPresent()) {
                                r.launchTemplateIds(given);
                            } else {
                                r.launchTemplateNames(given);
                            }
                        }).launchTemplates()));
        if (templates.isEmpty()) {
            return Optional.empty();
        }
        if (templates.get().isEmpty()) {
            problem("launchTemplate", ProblemKind.NOT_FOUND, "Launch template " + given + " does not exist in "
                    + region() + ". Check its " + (given.startsWith("lt-") ? "ID" : "name") + " and the region.");
            return Optional.empty();
        }
        LaunchTemplate t = templates.get().get(0);
        String version = config.launchTemplateVersion();
        Optional<List<LaunchTemplateVersion>> versions = attempt("launchTemplateVersion",
                "ec2:DescribeLaunchTemplateVersions", "version " + version + " of launch template " + given,
                () -> emptyWhenNotFound("InvalidLaunchTemplate", () -> ec2().describeLaunchTemplateVersions(r -> r
                        .launchTemplateId(t.launchTemplateId()).versions(version)).launchTemplateVersions()));
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        if (versions.get().isEmpty()) {
            problem("launchTemplateVersion", ProblemKind.NOT_FOUND, "Launch template " + given + " has no version "
                    + version + " (its default is " + t.defaultVersionNumber() + ", its latest "
                    + t.latestVersionNumber() + "). Give $Default, $Latest or an existing version.");
            return Optional.empty();
        }
        LaunchTemplateVersion v = versions.get().get(0);
        found("launch template " + t.launchTemplateId() + " (" + t.launchTemplateName() + "), version "
                + v.versionNumber() + (version.startsWith("$") ? " (" + version + ")" : ""));
        return Optional.ofNullable(v.launchTemplateData());
    }

    private void image(String field, String imageId, Map<String, InstanceTypeInfo> types, AgentTemplate template) {
        if (imageId == null || imageId.startsWith("resolve:ssm:")) {
            if (imageId != null) {
                found("image: from SSM parameter " + imageId.substring("resolve:ssm:".length()));
            }
            return;
        }
        Optional<List<Image>> images = attempt(field, "ec2:DescribeImages", "image " + imageId,
                () -> emptyWhenNotFound("InvalidAMIID", () -> ec2().describeImages(r -> r.imageIds(imageId))
                        .images()));
        if (images.isEmpty()) {
            return;
        }
        String where = field.equals("amiId") ? "" : " (in the launch template)";
        if (images.get().isEmpty()) {
            problem(field, ProblemKind.NOT_FOUND, "Image " + imageId + where + " does not exist in " + region()
                    + " or is not shared with this account. Check the AMI ID; AMIs are regional.");
            return;
        }
        Image image = images.get().get(0);
        if (!"available".equals(image.stateAsString())) {
            problem(field, ProblemKind.NOT_USABLE, "Image " + imageId + where + " is " + image.stateAsString()
                    + ", not available. Use an available AMI.");
        }
        // DescribeImages gives platform "windows" for Windows images and nothing for Linux ones.
        AgentPlatform imagePlatform = "windows".equalsIgnoreCase(image.platformAsString()) ? AgentPlatform.WINDOWS
                : AgentPlatform.LINUX;
        if (imagePlatform != template.platform()) {
            problem("platform", ProblemKind.NOT_USABLE, "Image " + imageId + where + " is a "
                    + label(imagePlatform) + " image, but template " + template.name() + " starts "
                    + label(template.platform()) + " agents (platform: " + template.platform().fieldValue()
                    + "). Use a " + label(template.platform()) + " AMI, or set the template's platform to "
                    + imagePlatform.fieldValue() + ".");
        }
        String arch = image.architectureAsString();
        found("image " + imageId + where + ": " + image.name() + ", " + arch + ", " + image.stateAsString());
        types.forEach((name, t) -> {
            List<String> archs = t.processorInfo() == null ? List.of()
                    : t.processorInfo().supportedArchitecturesAsStrings();
            if (arch != null && !archs.isEmpty() && !archs.contains(arch)) {
                problem("instanceTypes", ProblemKind.NOT_USABLE, "Instance type " + name + " runs " + archs
                        + " but image " + imageId + " is " + arch + ". Use types of the image's architecture.");
            }
        });
    }

    private static String label(AgentPlatform p) {
        return p == AgentPlatform.WINDOWS ? "Windows" : "Linux";
    }

    private void securityGroups(String field, List<String> groupIds, Map<String, Subnet> subnets) {
        if (groupIds.isEmpty()) {
            return;
        }
        Optional<List<SecurityGroup>> groups = attempt(field, "ec2:DescribeSecurityGroups", "the security groups",
                () -> {
                    List<SecurityGroup> found = new ArrayList<>();
                    ec2().describeSecurityGroupsPaginator(r -> r.filters(Filter.builder().name("group-id")
                            .values(groupIds).build())).securityGroups().forEach(found::add);
                    return found;
                });
        if (groups.isEmpty()) {
            return;
        }
        Set<String> vpcs = new LinkedHashSet<>();
        subnets.values().forEach(s -> vpcs.add(s.vpcId()));
        for (String id : groupIds) {
            Optional<SecurityGroup> g = groups.get().stream().filter(s -> id.equals(s.groupId())).findFirst();
            if (g.isEmpty()) {
                problem(field, ProblemKind.NOT_FOUND, "Security group " + id + " does not exist in " + region()
                        + ". Check the ID; security groups belong to one VPC and region.");
            } else if (!vpcs.isEmpty() && !vpcs.contains(g.get().vpcId())) {
                problem(field, ProblemKind.NOT_USABLE, "Security group " + id + " is in " + g.get().vpcId()
                        + " but the subnets are in " + vpcs + ". Use a security group of the subnets' VPC.");
            } else {
                found("security group " + id + ": " + g.get().groupName() + ", " + g.get().vpcId());
            }
        }
    }

    private void instanceProfile(String field, String profile) {
        String name = profile.startsWith("arn:") ? profile.substring(profile.lastIndexOf('/') + 1) : profile;
        Optional<Optional<InstanceProfile>> found = attempt(field, "iam:GetInstanceProfile",
                "instance profile " + name, () -> {
                    try {
                        return Optional.of(aws.client(IamClient::builder)
                                .getInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile());
                    } catch (AwsServiceException e) {
                        if ("NoSuchEntity".equals(AwsErrors.errorCode(e)) || e.statusCode() == 404) {
                            return Optional.empty();
                        }
                        throw e;
                    }
                });
        if (found.isEmpty()) {
            return;
        }
        if (found.get().isEmpty()) {
            problem(field, ProblemKind.NOT_FOUND, "Instance profile " + name + " does not exist in this account. "
                    + "Create it (with the agents' role) or check its name; a role's name is not enough.");
            return;
        }
        InstanceProfile p = found.get().get();
        if (p.roles().isEmpty()) {
            warn("Instance profile " + name + " has no role: the agents get no AWS credentials.");
        }
        found("instance profile " + name + ": roles " + p.roles().stream().map(r -> r.roleName()).toList());
    }

    private String dryRun(SpotFleetConfig config, AgentTemplate t, boolean templateFound) {
        if (t.usesAmi()) {
            return "No dry run: with an AMI, the launch template " + t.ownLaunchTemplateName(config.cloudName())
                    + " is made at the first launch; its AMI, security groups and instance profile were checked.";
        }
        if (!templateFound) {
            return "No dry run: the launch template could not be used.";
        }
        String template = t.launchTemplateId().orElseGet(() -> t.launchTemplateName().orElseThrow());
        return attempt("launchTemplate", "ec2:CreateFleet", "a dry-run CreateFleet",
                () -> fleet.dryRun(new FleetApi.FleetRequest(config, t, template, config.pools(t), 1, 0,
                        "spot-check-" + clock.millis())))
                .orElse("EC2 did not accept the dry run (see the problems).");
    }

    /**
     * One call; a refusal becomes a problem (denied: with the IAM action, throttled, failed) and an empty answer.
     * Errors that stop every call (no credentials, no network, credentials AWS does not accept) are thrown.
     */
    private <T> Optional<T> attempt(String field, String action, String what, Supplier<T> call) {
        try {
            return Optional.of(aws.call(action, call));
        } catch (StageException e) {
            if (!(e.getCause() instanceof AwsServiceException ase) || AwsErrors.isCredentialsProblem(ase)) {
                throw e;
            }
            if (AwsErrors.isAccessDenied(ase)) {
                String denied = AwsErrors.deniedAction(ase, action);
                problems.add(new Problem(qualified(field), ProblemKind.ACCESS_DENIED, inScope("AWS denied "
                        + denied + " (" + AwsErrors.errorCode(ase) + "), so " + what + " could not be checked. Allow "
                        + denied + " in the IAM policy of " + aws.settings().describe() + "."), denied));
            } else if (AwsErrors.isThrottling(ase)) {
                problem(field, ProblemKind.THROTTLED, "AWS throttled " + action + " beyond the retries, so " + what
                        + " could not be checked. Run the check again in a minute.");
            } else {
                problem(field, ProblemKind.FAILED, e.describe());
            }
            return Optional.empty();
        }
    }

    private void problem(String field, ProblemKind kind, String message) {
        problems.add(new Problem(qualified(field), kind, inScope(message), ""));
    }

    /** A template's field as {@code templates[name].field}; a cloud-wide one (or a classic cloud's) as is. */
    private String qualified(String field) {
        return scope == null ? field : "templates[" + scope + "]." + field;
    }

    private String inScope(String message) {
        return scope == null ? message : "Template " + scope + ": " + message;
    }

    private String region() {
        return aws.settings().region();
    }
}
