package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one Spot cloud launches and how many: the engine's whole configuration, validated on {@link Builder#build()}.
 *
 * <p>Instances come from a launch template ({@link #launchTemplateId()} or {@link #launchTemplateName()}), or from an
 * AMI with instance profile, security groups and user data, for which the engine keeps a launch template of its own
 * (CreateFleet only takes launch templates).
 */
public final class SpotFleetConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Tag naming the controller that launched an instance. */
    public static final String TAG_CONTROLLER = "aws-delivery-stages:controller";
    /** Tag naming the cloud that launched an instance. */
    public static final String TAG_CLOUD = "aws-delivery-stages:cloud";
    /** EC2 accepts at most this many overrides in one CreateFleet launch template configuration. */
    public static final int MAX_OVERRIDES = 300;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern LAUNCH_TEMPLATE_ID = Pattern.compile("lt-[0-9a-f]{8,17}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern TEMPLATE_VERSION = Pattern.compile("\\$Default|\\$Latest|[1-9][0-9]{0,17}");

    private final String cloudName;
    private final String controllerId;
    private final String launchTemplateId;
    private final String launchTemplateName;
    private final String launchTemplateVersion;
    private final String amiId;
    private final String instanceProfile;
    private final List<String> securityGroupIds;
    private final String userData;
    private final String keyName;
    private final List<InstanceTypeWeight> instanceTypes;
    private final InstanceRequirementsSpec instanceRequirements;
    private final List<String> subnetIds;
    private final int minAgents;
    private final int maxAgents;
    private final int onDemandBase;
    private final int executorsPerAgent;
    private final AllocationStrategy allocationStrategy;
    private final BigDecimal maxSpotPrice;
    private final boolean onDemandFallback;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final Duration poolCooldown;
    private final Set<String> labels;
    private final Map<String, String> tags;

    private SpotFleetConfig(Builder b) {
        this.cloudName = b.cloudName;
        this.controllerId = b.controllerId;
        this.launchTemplateId = b.launchTemplateId;
        this.launchTemplateName = b.launchTemplateName;
        this.launchTemplateVersion = b.launchTemplateVersion == null || b.launchTemplateVersion.isBlank()
                ? "$Default" : b.launchTemplateVersion.trim();
        this.amiId = b.amiId;
        this.instanceProfile = b.instanceProfile;
        this.securityGroupIds = List.copyOf(b.securityGroupIds);
        this.userData = b.userData;
        this.keyName = b.keyName;
        this.instanceTypes = List.copyOf(b.instanceTypes);
        this.instanceRequirements = b.instanceRequirements;
        this.subnetIds = List.copyOf(new LinkedHashSet<>(b.subnetIds));
        this.minAgents = b.minAgents;
        this.maxAgents = b.maxAgents;
        this.onDemandBase = b.onDemandBase;
        this.executorsPerAgent = b.executorsPerAgent;
        this.allocationStrategy = b.allocationStrategy;
        this.maxSpotPrice = b.maxSpotPrice;
        this.onDemandFallback = b.onDemandFallback;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.poolCooldown = b.poolCooldown;
        this.labels = Set.copyOf(b.labels);
        this.tags = Map.copyOf(b.tags);
    }

    /** Throws when {@code subnetId} is not a subnet ID; the cloud's form checks with the same rule. */
    public static void checkSubnetId(String subnetId) {
        if (subnetId == null || !SUBNET.matcher(subnetId).matches()) {
            throw StageException.invalidInput("'" + subnetId + "' is not a subnet ID.",
                    "Subnet IDs look like subnet-0123456789abcdef0.");
        }
    }

    /** A maximum Spot price as written in a form or in JCasC: a positive number of USD per instance-hour. */
    public static BigDecimal parsePrice(String text) {
        BigDecimal price;
        try {
            price = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw StageException.invalidInput("Maximum Spot price '" + text + "' is not a number.",
                    "Give a price per instance-hour in USD, such as 0.05, or leave it empty.");
        }
        checkPrice(price);
        return price;
    }

    private static void checkPrice(BigDecimal price) {
        if (price.signum() <= 0) {
            throw StageException.invalidInput("Maximum Spot price " + price + " is not positive.",
                    "Leave it empty to pay at most the on-demand price, as AWS recommends.");
        }
    }

    public static Builder builder(String cloudName, String controllerId) {
        return new Builder(cloudName, controllerId);
    }

    public String cloudName() {
        return cloudName;
    }

    /** Identity of the Jenkins controller (its instance ID or URL hash), tagged on every instance. */
    public String controllerId() {
        return controllerId;
    }

    public Optional<String> launchTemplateId() {
        return Optional.ofNullable(launchTemplateId);
    }

    public Optional<String> launchTemplateName() {
        return Optional.ofNullable(launchTemplateName);
    }

    public String launchTemplateVersion() {
        return launchTemplateVersion;
    }

    /** True when the engine must keep a launch template of its own made from the AMI settings. */
    public boolean usesAmi() {
        return launchTemplateId == null && launchTemplateName == null;
    }

    /** The name of the launch template the engine keeps for AMI configurations. */
    public String ownLaunchTemplateName() {
        return "aws-delivery-stages-" + cloudName;
    }

    public Optional<String> amiId() {
        return Optional.ofNullable(amiId);
    }

    public Optional<String> instanceProfile() {
        return Optional.ofNullable(instanceProfile);
    }

    public List<String> securityGroupIds() {
        return securityGroupIds;
    }

    public Optional<String> userData() {
        return Optional.ofNullable(userData);
    }

    /** With an AMI: the EC2 key pair whose public key SSH agents accept. */
    public Optional<String> keyName() {
        return Optional.ofNullable(keyName);
    }

    public List<InstanceTypeWeight> instanceTypes() {
        return instanceTypes;
    }

    public Optional<InstanceRequirementsSpec> instanceRequirements() {
        return Optional.ofNullable(instanceRequirements);
    }

    public List<String> subnetIds() {
        return subnetIds;
    }

    public int minAgents() {
        return minAgents;
    }

    public int maxAgents() {
        return maxAgents;
    }

    /** The first this-many agents are on-demand (never interrupted); the rest Spot. */
    public int onDemandBase() {
        return onDemandBase;
    }

    public int executorsPerAgent() {
        return executorsPerAgent;
    }

    public AllocationStrategy allocationStrategy() {
        return allocationStrategy;
    }

    /** Highest price per instance-hour for Spot; empty for the on-demand price (AWS's recommendation). */
    public Optional<BigDecimal> maxSpotPrice() {
        return Optional.ofNullable(maxSpotPrice);
    }

    public boolean onDemandFallback() {
        return onDemandFallback;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long a launched instance may take to connect as an agent before it counts as an orphan. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a pool that answered with no capacity is left out of requests. */
    public Duration poolCooldown() {
        return poolCooldown;
    }

    /** Labels the agents carry; demand for other labels is not this cloud's. */
    public Set<String> labels() {
        return labels;
    }

    /** True when this cloud provisions for work asking for {@code label} (empty: any agent). */
    public boolean serves(String label) {
        return label == null || label.isBlank() || labels.contains(label.trim());
    }

    /** The user's tags, without the engine's identity tags. */
    public Map<String, String> tags() {
        return tags;
    }

    /** Every tag put on an instance: the user's and the two identity tags. */
    public Map<String, String> instanceTags() {
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.put(TAG_CONTROLLER, controllerId);
        all.put(TAG_CLOUD, cloudName);
        all.putIfAbsent("Name", "jenkins-agent-" + cloudName);
        return all;
    }

    /** Every pool one request may use: each instance type (or the attribute selection) in each subnet. */
    public List<Pool> pools() {
        List<Pool> pools = new ArrayList<>();
        if (instanceRequirements != null) {
            subnetIds.forEach(s -> pools.add(new Pool(Pool.ANY_TYPE, s)));
            return pools;
        }
        for (InstanceTypeWeight t : instanceTypes) {
            for (String s : subnetIds) {
                pools.add(new Pool(t.instanceType(), s));
            }
        }
        return pools;
    }

    /** The weight of an instance type (1 when unknown, such as a type EC2 picked by attributes). */
    public int weightOf(String instanceType) {
        return instanceTypes.stream().filter(t -> t.instanceType().equals(instanceType))
                .mapToInt(InstanceTypeWeight::weight).findFirst().orElse(1);
    }

    /** Builds a configuration; {@link #build()} validates it and names the first wrong field. */
    public static final class Builder {
        private final String cloudName;
        private final String controllerId;
        private String launchTemplateId;
        private String launchTemplateName;
        private String launchTemplateVersion;
        private String amiId;
        private String instanceProfile;
        private final List<String> securityGroupIds = new ArrayList<>();
        private String userData;
        private String keyName;
        private final List<InstanceTypeWeight> instanceTypes = new ArrayList<>();
        private InstanceRequirementsSpec instanceRequirements;
        private final List<String> subnetIds = new ArrayList<>();
        private int minAgents = 0;
        private int maxAgents = 10;
        private int onDemandBase = 0;
        private int executorsPerAgent = 1;
        private AllocationStrategy allocationStrategy = AllocationStrategy.PRICE_CAPACITY_OPTIMIZED;
        private BigDecimal maxSpotPrice;
        private boolean onDemandFallback = true;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration connectTimeout = Duration.ofMinutes(10);
        private Duration poolCooldown = Duration.ofMinutes(5);
        private final Set<String> labels = new LinkedHashSet<>();
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder(String cloudName, String controllerId) {
            this.cloudName = cloudName == null ? "" : cloudName.trim();
            this.controllerId = controllerId == null ? "" : controllerId.trim();
        }

        public Builder launchTemplateId(String id) {
            this.launchTemplateId = blankToNull(id);
            return this;
        }

        public Builder launchTemplateName(String name) {
            this.launchTemplateName = blankToNull(name);
            return this;
        }

        public Builder launchTemplateVersion(String version) {
            this.launchTemplateVersion = version;
            return this;
        }

        public Builder ami(String amiId, String instanceProfile, List<String> securityGroupIds, String userData) {
            this.amiId = blankToNull(amiId);
            this.instanceProfile = blankToNull(instanceProfile);
            this.securityGroupIds.clear();
            if (securityGroupIds != null) {
                securityGroupIds.stream().map(String::trim).filter(s -> !s.isEmpty())
                        .forEach(this.securityGroupIds::add);
            }
            this.userData = blankToNull(userData);
            return this;
        }

        /** With an AMI: the instance profile (name or ARN) of the agents. */
        public Builder instanceProfile(String profile) {
            this.instanceProfile = blankToNull(profile);
            return this;
        }

        /** With an AMI: the agents' security groups. */
        public Builder securityGroupIds(List<String> groups) {
            this.securityGroupIds.clear();
            groups.stream().map(String::trim).filter(g -> !g.isEmpty()).forEach(this.securityGroupIds::add);
            return this;
        }

        /** With an AMI: the user data (a boot script) of the agents. */
        public Builder userData(String userData) {
            this.userData = blankToNull(userData);
            return this;
        }

        /** With an AMI: an EC2 key pair put on the instances (for SSH agents). */
        public Builder keyName(String keyName) {
            this.keyName = blankToNull(keyName);
            return this;
        }

        public Builder instanceTypes(List<InstanceTypeWeight> types) {
            this.instanceTypes.clear();
            this.instanceTypes.addAll(types);
            return this;
        }

        /** Instance types as text: {@code m5.large, m5.2xlarge:2}. */
        public Builder instanceTypes(String... types) {
            this.instanceTypes.clear();
            for (String t : types) {
                if (t != null && !t.isBlank()) {
                    this.instanceTypes.add(InstanceTypeWeight.parse(t));
                }
            }
            return this;
        }

        public Builder instanceRequirements(InstanceRequirementsSpec requirements) {
            this.instanceRequirements = requirements;
            return this;
        }

        public Builder subnetIds(List<String> subnets) {
            this.subnetIds.clear();
            subnets.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(this.subnetIds::add);
            return this;
        }

        public Builder capacity(int min, int max, int onDemandBase) {
            this.minAgents = min;
            this.maxAgents = max;
            this.onDemandBase = onDemandBase;
            return this;
        }

        public Builder executorsPerAgent(int executors) {
            this.executorsPerAgent = executors;
            return this;
        }

        public Builder allocationStrategy(AllocationStrategy strategy) {
            this.allocationStrategy = strategy == null ? AllocationStrategy.PRICE_CAPACITY_OPTIMIZED : strategy;
            return this;
        }

        public Builder maxSpotPrice(BigDecimal price) {
            this.maxSpotPrice = price;
            return this;
        }

        public Builder onDemandFallback(boolean fallback) {
            this.onDemandFallback = fallback;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder poolCooldown(Duration cooldown) {
            this.poolCooldown = cooldown;
            return this;
        }

        public Builder labels(Set<String> labels) {
            this.labels.clear();
            labels.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(this.labels::add);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags.clear();
            this.tags.putAll(tags);
            return this;
        }

        public SpotFleetConfig build() {
            if (!NAME.matcher(cloudName).matches()) {
                throw StageException.invalidInput("Cloud name '" + cloudName + "' is not usable in EC2 tags and "
                        + "launch template names.", "Use 1 to 63 letters, digits, '.', '_' or '-'.");
            }
            if (controllerId.isEmpty()) {
                throw new IllegalArgumentException("controllerId is required");
            }
            if (launchTemplateId != null && launchTemplateName != null) {
                throw StageException.invalidInput("Both a launch template ID (" + launchTemplateId + ") and name ("
                        + launchTemplateName + ") are set.", "Give one of them.");
            }
            if (launchTemplateId != null && !LAUNCH_TEMPLATE_ID.matcher(launchTemplateId).matches()) {
                throw StageException.invalidInput("'" + launchTemplateId + "' is not a launch template ID.",
                        "Launch template IDs look like lt-0123456789abcdef0; give a name in the name field.");
            }
            boolean hasTemplate = launchTemplateId != null || launchTemplateName != null;
            if (hasTemplate && amiId != null) {
                throw StageException.invalidInput("Both a launch template and an AMI (" + amiId + ") are set.",
                        "Put the AMI in the launch template, or remove the launch template.");
            }
            if (hasTemplate && (instanceProfile != null || !securityGroupIds.isEmpty() || keyName != null)) {
                throw StageException.invalidInput("A launch template is set together with "
                        + (instanceProfile != null ? "an instance profile (" + instanceProfile + ")"
                        : !securityGroupIds.isEmpty() ? "security groups " + securityGroupIds
                        : "a key pair (" + keyName + ")") + ", which would be ignored.",
                        "Put instance profile, security groups and key pair in the launch template, or use an AMI "
                                + "instead of the launch template.");
            }
            String version = launchTemplateVersion == null ? null : launchTemplateVersion.trim();
            if (version != null && !version.isEmpty()) {
                if (!hasTemplate) {
                    throw StageException.invalidInput("A launch template version (" + version + ") is set without "
                            + "a launch template.", "Give the launch template too, or remove the version.");
                }
                if (!TEMPLATE_VERSION.matcher(version).matches()) {
                    throw StageException.invalidInput("Launch template version '" + version + "' is not a version.",
                            "Give $Default, $Latest or a version number (1, 2, ...).");
                }
            }
            if (!hasTemplate && amiId == null) {
                throw StageException.invalidInput("Cloud '" + cloudName + "' has neither a launch template nor an "
                        + "AMI.", "Give a launch template ID or name, or an AMI ID with security groups.");
            }
            if (amiId != null && !AMI.matcher(amiId).matches()) {
                throw StageException.invalidInput("'" + amiId + "' is not an AMI ID.",
                        "AMI IDs look like ami-0123456789abcdef0.");
            }
            for (String sg : securityGroupIds) {
                if (!SECURITY_GROUP.matcher(sg).matches()) {
                    throw StageException.invalidInput("'" + sg + "' is not a security group ID.",
                            "Security group IDs look like sg-0123456789abcdef0.");
                }
            }
            if (instanceTypes.isEmpty() && instanceRequirements == null) {
                throw StageException.invalidInput("Cloud '" + cloudName + "' has no instance types.",
                        "List several instance types (6 or more across families is what AWS recommends), or give "
                                + "vCPU and memory ranges.");
            }
            if (!instanceTypes.isEmpty() && instanceRequirements != null) {
                throw StageException.invalidInput("Both instance types and vCPU/memory ranges are set.",
                        "Give one of them.");
            }
            long distinct = instanceTypes.stream().map(InstanceTypeWeight::instanceType).distinct().count();
            if (distinct != instanceTypes.size()) {
                throw StageException.invalidInput("An instance type is listed twice in " + instanceTypes + ".",
                        "List each type once.");
            }
            if (subnetIds.isEmpty()) {
                throw StageException.invalidInput("Cloud '" + cloudName + "' has no subnets.",
                        "Give one subnet in each Availability Zone the agents may use.");
            }
            subnetIds.forEach(SpotFleetConfig::checkSubnetId);
            int pools = Math.max(1, instanceTypes.size()) * new LinkedHashSet<>(subnetIds).size();
            if (pools > MAX_OVERRIDES) {
                throw StageException.invalidInput(instanceTypes.size() + " instance types in "
                        + subnetIds.size() + " subnets make " + pools + " pools; CreateFleet takes at most "
                        + MAX_OVERRIDES + ".", "Use fewer instance types or subnets, or vCPU/memory ranges.");
            }
            if (minAgents < 0 || maxAgents < 1 || minAgents > maxAgents) {
                throw StageException.invalidInput("Capacity minimum " + minAgents + " and maximum " + maxAgents
                        + " are not a range.", "Give 0 <= minimum <= maximum and a maximum of at least 1.");
            }
            if (onDemandBase < 0 || onDemandBase > maxAgents) {
                throw StageException.invalidInput("On-demand base " + onDemandBase + " is outside 0 to the maximum ("
                        + maxAgents + ").", "Give how many of the agents should always be on-demand.");
            }
            if (executorsPerAgent < 1 || executorsPerAgent > 256) {
                throw StageException.invalidInput("Executors per agent " + executorsPerAgent
                        + " is outside 1 to 256.", "Give the number of builds one agent runs at once.");
            }
            if (maxSpotPrice != null) {
                checkPrice(maxSpotPrice);
            }
            requirePositive(idleTimeout, "Idle timeout");
            requirePositive(connectTimeout, "Connect timeout");
            requirePositive(poolCooldown, "Pool cooldown");
            for (Map.Entry<String, String> t : tags.entrySet()) {
                if (t.getKey() == null || t.getKey().isBlank() || t.getKey().startsWith("aws:")
                        || t.getKey().startsWith("aws-delivery-stages:")) {
                    throw StageException.invalidInput("Tag key '" + t.getKey() + "' cannot be used.",
                            "Tag keys must be non-empty and must not start with 'aws:' or 'aws-delivery-stages:'.");
                }
            }
            return new SpotFleetConfig(this);
        }

        private static void requirePositive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw StageException.invalidInput(what + " must be positive, not " + d + ".",
                        "Give a duration such as 10m.");
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
