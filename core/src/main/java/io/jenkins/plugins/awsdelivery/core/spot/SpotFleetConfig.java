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
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What one Spot cloud launches and how many: the engine's whole configuration, validated on {@link Builder#build()}.
 *
 * <p>The cloud-wide settings (subnets, the cloud-wide maximum, the on-demand base, the Spot market settings, tags)
 * are here; what each kind of agent is made of is an {@link AgentTemplate} (1 to {@value #MAX_TEMPLATES}, in
 * order). The single-template builder calls ({@link Builder#ami}, {@link Builder#instanceTypes}, {@link
 * Builder#labels}, {@link Builder#capacity} ...) describe one template named "default", as every cloud did before
 * templates existed; the single-template accessors ({@link #launchTemplateId()}, {@link #executorsPerAgent()}
 * ...) answer for the first template.
 */
public final class SpotFleetConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Tag naming the controller that launched an instance. */
    public static final String TAG_CONTROLLER = "aws-delivery-stages:controller";
    /** Tag naming the cloud that launched an instance. */
    public static final String TAG_CLOUD = "aws-delivery-stages:cloud";
    /** Tag naming the template an instance was launched for; an instance without it belongs to the first one. */
    public static final String TAG_TEMPLATE = "aws-delivery-stages:template";
    /** EC2 accepts at most this many overrides in one CreateFleet launch template configuration. */
    public static final int MAX_OVERRIDES = 300;
    /** The most templates one cloud has. */
    public static final int MAX_TEMPLATES = 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");

    private final String cloudName;
    private final String controllerId;
    private final List<AgentTemplate> templates;
    private final List<String> subnetIds;
    private final int maxAgents;
    private final int onDemandBase;
    private final AllocationStrategy allocationStrategy;
    private final BigDecimal maxSpotPrice;
    private final boolean onDemandFallback;
    private final Duration connectTimeout;
    private final Duration poolCooldown;
    private final Map<String, String> tags;
    /** Warm capacity's budget (issue 17); off unless configured. */
    private final WarmCapacityBudget warmCapacity;

    private SpotFleetConfig(Builder b, List<AgentTemplate> templates) {
        this.warmCapacity = b.warmCapacity;
        this.cloudName = b.cloudName;
        this.controllerId = b.controllerId;
        this.templates = List.copyOf(templates);
        this.subnetIds = List.copyOf(new LinkedHashSet<>(b.subnetIds));
        this.maxAgents = b.maxAgents;
        this.onDemandBase = b.onDemandBase;
        this.allocationStrategy = b.allocationStrategy;
        this.maxSpotPrice = b.maxSpotPrice;
        this.onDemandFallback = b.onDemandFallback;
        this.connectTimeout = b.connectTimeout;
        this.poolCooldown = b.poolCooldown;
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

    /** Warm capacity's budget; {@link WarmCapacityBudget#off()} unless configured. */
    public WarmCapacityBudget warmCapacity() {
        return warmCapacity == null ? WarmCapacityBudget.off() : warmCapacity;
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

    /** The cloud's templates in order: unlabelled work and untagged instances belong to the first. */
    public List<AgentTemplate> templates() {
        return templates;
    }

    /** The template of this name. */
    public Optional<AgentTemplate> template(String name) {
        return templates.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The first template that lists {@code instanceType} by name, for an instance whose own template is gone: its
     * weight and executors are the best guess of what that instance is. Empty when no template lists the type.
     */
    public Optional<AgentTemplate> templateListing(String instanceType) {
        return templates.stream().filter(t -> t.instanceTypes().stream()
                .anyMatch(w -> w.instanceType().equals(instanceType))).findFirst();
    }

    /**
     * The template that provisions for work asking for {@code label}: the first whose labels contain it; work
     * without a label (null or blank) goes to the first template. Empty when no template carries the label.
     */
    public Optional<AgentTemplate> templateFor(String label) {
        if (label == null || label.isBlank()) {
            return Optional.of(templates.get(0));
        }
        String l = label.trim();
        return templates.stream().filter(t -> t.labels().contains(l)).findFirst();
    }

    /** What is legal but probably not meant, such as a label carried by two templates. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        Map<String, String> firstWithLabel = new LinkedHashMap<>();
        for (AgentTemplate t : templates) {
            for (String label : new TreeSet<>(t.labels())) {
                String first = firstWithLabel.putIfAbsent(label, t.name());
                if (first != null) {
                    warnings.add("Label '" + label + "' is carried by templates '" + first + "' and '" + t.name()
                            + "': work asking for it always launches a '" + first + "' agent, never a '"
                            + t.name() + "' one.");
                }
            }
        }
        for (AgentTemplate t : templates) {
            String which = templates.size() == 1 && AgentTemplate.DEFAULT_NAME.equals(t.name()) ? "The cloud"
                    : "Template '" + t.name() + "'";
            if (t.maxTotalUses() > 0 && t.maxTotalUses() < t.executorsPerAgent()) {
                warnings.add(which + " has " + t.executorsPerAgent() + " executors per agent but each agent takes "
                        + "only " + t.maxTotalUses() + " build(s) in all: the other executors are never used.");
            }
            if (t.maxTotalUses() > 0 && t.instanceTypes().stream().anyMatch(w -> w.weight() > 1)) {
                warnings.add(which + " weighs instance types and limits builds per agent: a heavier instance "
                        + "counts as several agents but takes no more than " + t.maxTotalUses() + " build(s).");
            }
        }
        int minima = templates.stream().mapToInt(AgentTemplate::minAgents).sum();
        if (minima > maxAgents) {
            warnings.add("The templates' minimum agents add up to " + minima + ", above the cloud-wide maximum of "
                    + maxAgents + ": the minima are shared out fairly and not all are kept.");
        }
        return warnings;
    }

    private AgentTemplate first() {
        return templates.get(0);
    }

    /** The first template's launch template ID. */
    public Optional<String> launchTemplateId() {
        return first().launchTemplateId();
    }

    /** The first template's launch template name. */
    public Optional<String> launchTemplateName() {
        return first().launchTemplateName();
    }

    /** The first template's launch template version. */
    public String launchTemplateVersion() {
        return first().launchTemplateVersion();
    }

    /** True when the first template uses an AMI rather than a launch template. */
    public boolean usesAmi() {
        return first().usesAmi();
    }

    /** The name of the launch template the engine keeps for the first template's AMI settings. */
    public String ownLaunchTemplateName() {
        return first().ownLaunchTemplateName(cloudName);
    }

    public Optional<String> amiId() {
        return first().amiId();
    }

    public Optional<String> instanceProfile() {
        return first().instanceProfile();
    }

    public List<String> securityGroupIds() {
        return first().securityGroupIds();
    }

    public Optional<String> userData() {
        return first().userData();
    }

    /** With an AMI: the EC2 key pair of the first template. */
    public Optional<String> keyName() {
        return first().keyName();
    }

    public List<InstanceTypeWeight> instanceTypes() {
        return first().instanceTypes();
    }

    public Optional<InstanceRequirementsSpec> instanceRequirements() {
        return first().instanceRequirements();
    }

    public List<String> subnetIds() {
        return subnetIds;
    }

    /** The first template's minimum. */
    public int minAgents() {
        return first().minAgents();
    }

    /** The cloud-wide maximum: agents of all templates together, in agents of weight 1. */
    public int maxAgents() {
        return maxAgents;
    }

    /** The first this-many agents are on-demand (never interrupted); the rest Spot. */
    public int onDemandBase() {
        return onDemandBase;
    }

    /** The first template's executors per agent. */
    public int executorsPerAgent() {
        return first().executorsPerAgent();
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

    /** The first template's idle timeout. */
    public Duration idleTimeout() {
        return first().idleTimeout();
    }

    /** How long a launched instance may take to connect as an agent before it counts as an orphan. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a pool that answered with no capacity is left out of requests. */
    public Duration poolCooldown() {
        return poolCooldown;
    }

    /** Every template's labels: demand for other labels is not this cloud's. */
    public Set<String> labels() {
        Set<String> all = new LinkedHashSet<>();
        templates.forEach(t -> all.addAll(t.labels()));
        return Set.copyOf(all);
    }

    /** True when a template of this cloud provisions for work asking for {@code label} (empty: any agent). */
    public boolean serves(String label) {
        return templateFor(label).isPresent();
    }

    /** The user's tags, without the engine's identity tags. */
    public Map<String, String> tags() {
        return tags;
    }

    /** Every tag put on an instance of the first template. */
    public Map<String, String> instanceTags() {
        return instanceTags(first());
    }

    /** Every tag put on an instance of {@code template}: the user's and the three identity tags. */
    public Map<String, String> instanceTags(AgentTemplate template) {
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.put(TAG_CONTROLLER, controllerId);
        all.put(TAG_CLOUD, cloudName);
        all.put(TAG_TEMPLATE, template.name());
        all.putIfAbsent("Name", "jenkins-agent-" + cloudName);
        return all;
    }

    /** Every pool one request of the first template may use. */
    public List<Pool> pools() {
        return first().pools(subnetIds);
    }

    /** Every pool one request of {@code template} may use: each of its types (or its selection) in each subnet. */
    public List<Pool> pools(AgentTemplate template) {
        return template.pools(subnetIds);
    }

    /** The weight of an instance type in the first template (1 when unknown). */
    public int weightOf(String instanceType) {
        return first().weightOf(instanceType);
    }

    /**
     * Builds a configuration; {@link #build()} validates it and names the first wrong field. The single-template
     * calls shape a template named "default", used unless {@link #templates(List)} gives the templates.
     */
    public static final class Builder {
        private final String cloudName;
        private final String controllerId;
        private final AgentTemplate.Builder single = AgentTemplate.builder(AgentTemplate.DEFAULT_NAME);
        private List<AgentTemplate> templates;
        private final List<String> subnetIds = new ArrayList<>();
        private int maxAgents = 10;
        private int onDemandBase = 0;
        private AllocationStrategy allocationStrategy = AllocationStrategy.PRICE_CAPACITY_OPTIMIZED;
        private BigDecimal maxSpotPrice;
        private boolean onDemandFallback = true;
        private Duration connectTimeout = Duration.ofMinutes(10);
        private Duration poolCooldown = Duration.ofMinutes(5);
        private final Map<String, String> tags = new LinkedHashMap<>();
        private WarmCapacityBudget warmCapacity = WarmCapacityBudget.off();

        private Builder(String cloudName, String controllerId) {
            this.cloudName = cloudName == null ? "" : cloudName.trim();
            this.controllerId = controllerId == null ? "" : controllerId.trim();
        }

        /** The cloud's templates, in order; replaces the single-template settings. */
        public Builder templates(List<AgentTemplate> templates) {
            this.templates = List.copyOf(templates);
            return this;
        }

        public Builder launchTemplateId(String id) {
            single.launchTemplateId(id);
            return this;
        }

        public Builder launchTemplateName(String name) {
            single.launchTemplateName(name);
            return this;
        }

        public Builder launchTemplateVersion(String version) {
            single.launchTemplateVersion(version);
            return this;
        }

        public Builder ami(String amiId, String instanceProfile, List<String> securityGroupIds, String userData) {
            single.ami(amiId, instanceProfile, securityGroupIds, userData);
            return this;
        }

        /** With an AMI: the instance profile (name or ARN) of the agents. */
        public Builder instanceProfile(String profile) {
            single.instanceProfile(profile);
            return this;
        }

        /** With an AMI: the agents' security groups. */
        public Builder securityGroupIds(List<String> groups) {
            single.securityGroupIds(groups);
            return this;
        }

        /** With an AMI: the user data (a boot script) of the agents. */
        public Builder userData(String userData) {
            single.userData(userData);
            return this;
        }

        /** With an AMI: an EC2 key pair put on the instances (for SSH agents). */
        public Builder keyName(String keyName) {
            single.keyName(keyName);
            return this;
        }

        public Builder instanceTypes(List<InstanceTypeWeight> types) {
            single.instanceTypes(types);
            return this;
        }

        /** Instance types as text: {@code m5.large, m5.2xlarge:2}. */
        public Builder instanceTypes(String... types) {
            single.instanceTypes(types);
            return this;
        }

        public Builder instanceRequirements(InstanceRequirementsSpec requirements) {
            single.instanceRequirements(requirements);
            return this;
        }

        public Builder subnetIds(List<String> subnets) {
            this.subnetIds.clear();
            subnets.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(this.subnetIds::add);
            return this;
        }

        /** The single template's minimum and maximum (the maximum is also the cloud-wide one) and the base. */
        public Builder capacity(int min, int max, int onDemandBase) {
            single.capacity(min, max);
            this.maxAgents = max;
            this.onDemandBase = onDemandBase;
            return this;
        }

        /** The cloud-wide maximum over all templates. */
        public Builder maxAgents(int max) {
            this.maxAgents = max;
            return this;
        }

        public Builder onDemandBase(int base) {
            this.onDemandBase = base;
            return this;
        }

        public Builder executorsPerAgent(int executors) {
            single.executorsPerAgent(executors);
            return this;
        }

        /** The single template's builds per agent before it is replaced; 0 for no limit. */
        public Builder maxTotalUses(int uses) {
            single.maxTotalUses(uses);
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
            single.idleTimeout(timeout);
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
            single.labels(labels);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags.clear();
            this.tags.putAll(tags);
            return this;
        }

        /** Agents kept ready ahead of the forecast arrivals, within this budget; {@code off()} (the default) for none. */
        public Builder warmCapacity(WarmCapacityBudget budget) {
            this.warmCapacity = budget == null ? WarmCapacityBudget.off() : budget;
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
            List<AgentTemplate> all = templates != null ? templates : List.of(single.build());
            if (all.isEmpty() || all.size() > MAX_TEMPLATES) {
                throw StageException.invalidInput("Cloud '" + cloudName + "' has " + all.size() + " templates.",
                        "Give 1 to " + MAX_TEMPLATES + " agent templates.");
            }
            Set<String> names = new LinkedHashSet<>();
            for (AgentTemplate t : all) {
                if (!names.add(t.name())) {
                    throw StageException.invalidInput("Template name '" + t.name() + "' is used twice.",
                            "Give each template of the cloud its own name.");
                }
            }
            if (subnetIds.isEmpty()) {
                throw StageException.invalidInput("Cloud '" + cloudName + "' has no subnets.",
                        "Give one subnet in each Availability Zone the agents may use.");
            }
            subnetIds.forEach(SpotFleetConfig::checkSubnetId);
            int subnets = new LinkedHashSet<>(subnetIds).size();
            for (AgentTemplate t : all) {
                int pools = Math.max(1, t.instanceTypes().size()) * subnets;
                if (pools > MAX_OVERRIDES) {
                    throw StageException.invalidInput((all.size() > 1 ? "Template '" + t.name() + "': " : "")
                            + t.instanceTypes().size() + " instance types in " + subnets + " subnets make " + pools
                            + " pools; CreateFleet takes at most " + MAX_OVERRIDES + ".",
                            "Use fewer instance types or subnets, or vCPU/memory ranges.");
                }
            }
            if (maxAgents < 1) {
                throw StageException.invalidInput("The cloud-wide maximum of " + maxAgents + " agents is below 1.",
                        "Give the most agents the cloud may run at once, over all its templates.");
            }
            if (onDemandBase < 0 || onDemandBase > maxAgents) {
                throw StageException.invalidInput("On-demand base " + onDemandBase + " is outside 0 to the maximum ("
                        + maxAgents + ").", "Give how many of the agents should always be on-demand.");
            }
            if (maxSpotPrice != null) {
                checkPrice(maxSpotPrice);
            }
            requirePositive(connectTimeout, "Connect timeout");
            requirePositive(poolCooldown, "Pool cooldown");
            for (Map.Entry<String, String> t : tags.entrySet()) {
                if (t.getKey() == null || t.getKey().isBlank() || t.getKey().startsWith("aws:")
                        || t.getKey().startsWith("aws-delivery-stages:")) {
                    throw StageException.invalidInput("Tag key '" + t.getKey() + "' cannot be used.",
                            "Tag keys must be non-empty and must not start with 'aws:' or 'aws-delivery-stages:'.");
                }
            }
            return new SpotFleetConfig(this, all);
        }

        private static void requirePositive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw StageException.invalidInput(what + " must be positive, not " + d + ".",
                        "Give a duration such as 10m.");
            }
        }
    }
}
