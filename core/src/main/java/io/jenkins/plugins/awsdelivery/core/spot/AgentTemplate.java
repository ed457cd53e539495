package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One kind of agent of a Spot cloud: its labels, where its instances come from (a launch template, or an AMI for
 * which the engine keeps a launch template of its own), which instance types, how many executors, how many agents
 * at least and at most, how long an idle agent is kept and how many builds one agent takes. Validated on {@link
 * Builder#build()}; settings that hold for the whole cloud (subnets, cloud-wide maximum, market) are in {@link
 * SpotFleetConfig}.
 */
public final class AgentTemplate implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The name of the only template of a cloud configured the single-template way. */
    public static final String DEFAULT_NAME = "default";

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern LAUNCH_TEMPLATE_ID = Pattern.compile("lt-[0-9a-f]{8,17}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern TEMPLATE_VERSION = Pattern.compile("\\$Default|\\$Latest|[1-9][0-9]{0,17}");

    private final String name;
    private final Set<String> labels;
    private final AgentPlatform platform;
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
    private final int executorsPerAgent;
    private final int minAgents;
    private final int maxAgents;
    private final Duration idleTimeout;
    private final int maxTotalUses;

    private AgentTemplate(Builder b) {
        this.name = b.name;
        this.labels = Set.copyOf(b.labels);
        this.platform = b.platform;
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
        this.executorsPerAgent = b.executorsPerAgent;
        this.minAgents = b.minAgents;
        this.maxAgents = b.maxAgents;
        this.idleTimeout = b.idleTimeout;
        this.maxTotalUses = b.maxTotalUses;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Throws when {@code name} is not a template name: 1 to 40 lower-case letters, digits or '-'. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw StageException.invalidInput("Template name '" + name + "' is not usable in EC2 tags and launch "
                    + "template names.", "Use 1 to 40 lower-case letters, digits or '-', such as linux-large.");
        }
    }

    /** A builder holding this template's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.labels.addAll(labels);
        b.platform = platform;
        b.launchTemplateId = launchTemplateId;
        b.launchTemplateName = launchTemplateName;
        b.launchTemplateVersion = launchTemplateId == null && launchTemplateName == null ? null
                : launchTemplateVersion;
        b.amiId = amiId;
        b.instanceProfile = instanceProfile;
        b.securityGroupIds.addAll(securityGroupIds);
        b.userData = userData;
        b.keyName = keyName;
        b.instanceTypes.addAll(instanceTypes);
        b.instanceRequirements = instanceRequirements;
        b.executorsPerAgent = executorsPerAgent;
        b.minAgents = minAgents;
        b.maxAgents = maxAgents;
        b.idleTimeout = idleTimeout;
        b.maxTotalUses = maxTotalUses;
        return b;
    }

    public String name() {
        return name;
    }

    /** Labels the agents carry. */
    public Set<String> labels() {
        return labels;
    }

    /** True when {@code label} is one of this template's labels; blank (any agent) is served by every template. */
    public boolean serves(String label) {
        return label == null || label.isBlank() || labels.contains(label.trim());
    }

    public AgentPlatform platform() {
        return platform;
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

    /**
     * The name of the launch template the engine keeps for this template's AMI settings: {@code
     * aws-delivery-stages-<cloud>} for the template named "default" (the name single-template clouds always used),
     * {@code aws-delivery-stages-<cloud>/<template>} for the others. Cloud names cannot contain '/' (EC2 allows it
     * in launch template names), so template "win" of cloud "ci" never meets the default template of cloud "ci-win".
     */
    public String ownLaunchTemplateName(String cloudName) {
        return DEFAULT_NAME.equals(name) ? "aws-delivery-stages-" + cloudName
                : "aws-delivery-stages-" + cloudName + "/" + name;
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

    public int executorsPerAgent() {
        return executorsPerAgent;
    }

    public int minAgents() {
        return minAgents;
    }

    /** The most agents of this template; the cloud-wide maximum holds over all templates on top of it. */
    public int maxAgents() {
        return maxAgents;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How many builds one agent takes before it drains and is terminated; 0 for no limit, 1 for single-use. */
    public int maxTotalUses() {
        return maxTotalUses;
    }

    /** How many builds one agent of weight 1 can take now or later: its executors, or fewer when uses are limited. */
    int buildsPerAgent() {
        return maxTotalUses > 0 ? Math.min(executorsPerAgent, maxTotalUses) : executorsPerAgent;
    }

    /** The weight of an instance type (1 when unknown, such as a type EC2 picked by attributes). */
    public int weightOf(String instanceType) {
        return instanceTypes.stream().filter(t -> t.instanceType().equals(instanceType))
                .mapToInt(InstanceTypeWeight::weight).findFirst().orElse(1);
    }

    /** Every pool one request may use: each instance type (or the attribute selection) in each subnet. */
    public List<Pool> pools(Collection<String> subnetIds) {
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

    @Override
    public String toString() {
        return name + " " + labels;
    }

    /** Builds a template; {@link #build()} validates it and names the first wrong field. */
    public static final class Builder {
        private final String name;
        private final Set<String> labels = new LinkedHashSet<>();
        private AgentPlatform platform = AgentPlatform.LINUX;
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
        private int executorsPerAgent = 1;
        private int minAgents = 0;
        private int maxAgents = 10;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private int maxTotalUses = 0;

        private Builder(String name) {
            this.name = name == null ? "" : name.trim();
        }

        public String name() {
            return name;
        }

        public Builder labels(Collection<String> labels) {
            this.labels.clear();
            labels.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(this.labels::add);
            return this;
        }

        public Builder platform(AgentPlatform platform) {
            this.platform = platform == null ? AgentPlatform.LINUX : platform;
            return this;
        }

        public Builder launchTemplateId(String id) {
            this.launchTemplateId = blankToNull(id);
            return this;
        }

        public Builder launchTemplateName(String name) {
            this.launchTemplateName = blankToNull(name);
            return this;
        }

        /** A launch template as the form and JCasC give it: an ID ({@code lt-...}) or a name. */
        public Builder launchTemplate(String idOrName) {
            String t = blankToNull(idOrName);
            if (t != null && t.startsWith("lt-")) {
                this.launchTemplateId = t;
            } else {
                this.launchTemplateName = t;
            }
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

        public Builder amiId(String amiId) {
            this.amiId = blankToNull(amiId);
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

        public Builder executorsPerAgent(int executors) {
            this.executorsPerAgent = executors;
            return this;
        }

        public Builder capacity(int min, int max) {
            this.minAgents = min;
            this.maxAgents = max;
            return this;
        }

        public Builder minAgents(int min) {
            this.minAgents = min;
            return this;
        }

        public Builder maxAgents(int max) {
            this.maxAgents = max;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** Builds per agent before it drains and is terminated; 0 for no limit. */
        public Builder maxTotalUses(int uses) {
            this.maxTotalUses = uses;
            return this;
        }

        /** Prefixes a message with the template's name, except for the single template of a classic cloud. */
        private String in(String message) {
            return DEFAULT_NAME.equals(name) ? message : "Template '" + name + "': " + message;
        }

        public AgentTemplate build() {
            checkName(name);
            if (launchTemplateId != null && launchTemplateName != null) {
                throw StageException.invalidInput(in("Both a launch template ID (" + launchTemplateId + ") and name ("
                        + launchTemplateName + ") are set."), "Give one of them.");
            }
            if (launchTemplateId != null && !LAUNCH_TEMPLATE_ID.matcher(launchTemplateId).matches()) {
                throw StageException.invalidInput(in("'" + launchTemplateId + "' is not a launch template ID."),
                        "Launch template IDs look like lt-0123456789abcdef0; give a name in the name field.");
            }
            boolean hasTemplate = launchTemplateId != null || launchTemplateName != null;
            if (hasTemplate && amiId != null) {
                throw StageException.invalidInput(in("Both a launch template and an AMI (" + amiId + ") are set."),
                        "Put the AMI in the launch template, or remove the launch template.");
            }
            if (hasTemplate && (instanceProfile != null || !securityGroupIds.isEmpty() || keyName != null)) {
                throw StageException.invalidInput(in("A launch template is set together with "
                        + (instanceProfile != null ? "an instance profile (" + instanceProfile + ")"
                        : !securityGroupIds.isEmpty() ? "security groups " + securityGroupIds
                        : "a key pair (" + keyName + ")") + ", which would be ignored."),
                        "Put instance profile, security groups and key pair in the launch template, or use an AMI "
                                + "instead of the launch template.");
            }
            String version = launchTemplateVersion == null ? null : launchTemplateVersion.trim();
            if (version != null && !version.isEmpty()) {
                if (!hasTemplate) {
                    throw StageException.invalidInput(in("A launch template version (" + version + ") is set "
                            + "without a launch template."), "Give the launch template too, or remove the version.");
                }
                if (!TEMPLATE_VERSION.matcher(version).matches()) {
                    throw StageException.invalidInput(in("Launch template version '" + version
                            + "' is not a version."), "Give $Default, $Latest or a version number (1, 2, ...).");
                }
            }
            if (!hasTemplate && amiId == null) {
                throw StageException.invalidInput((DEFAULT_NAME.equals(name) ? "The cloud" : "Template '" + name + "'")
                        + " has neither a launch template nor an AMI.",
                        "Give a launch template ID or name, or an AMI ID with security groups.");
            }
            if (amiId != null && !AMI.matcher(amiId).matches()) {
                throw StageException.invalidInput(in("'" + amiId + "' is not an AMI ID."),
                        "AMI IDs look like ami-0123456789abcdef0.");
            }
            for (String sg : securityGroupIds) {
                if (!SECURITY_GROUP.matcher(sg).matches()) {
                    throw StageException.invalidInput(in("'" + sg + "' is not a security group ID."),
                            "Security group IDs look like sg-0123456789abcdef0.");
                }
            }
            if (instanceTypes.isEmpty() && instanceRequirements == null) {
                throw StageException.invalidInput((DEFAULT_NAME.equals(name) ? "The cloud" : "Template '" + name + "'")
                        + " has no instance types.",
                        "List several instance types (6 or more across families is what AWS recommends), or give "
                                + "vCPU and memory ranges.");
            }
            if (!instanceTypes.isEmpty() && instanceRequirements != null) {
                throw StageException.invalidInput(in("Both instance types and vCPU/memory ranges are set."),
                        "Give one of them.");
            }
            long distinct = instanceTypes.stream().map(InstanceTypeWeight::instanceType).distinct().count();
            if (distinct != instanceTypes.size()) {
                throw StageException.invalidInput(in("An instance type is listed twice in " + instanceTypes + "."),
                        "List each type once.");
            }
            if (minAgents < 0 || maxAgents < 1 || minAgents > maxAgents) {
                throw StageException.invalidInput(in("Capacity minimum " + minAgents + " and maximum " + maxAgents
                        + " are not a range."), "Give 0 <= minimum <= maximum and a maximum of at least 1.");
            }
            if (executorsPerAgent < 1 || executorsPerAgent > 256) {
                throw StageException.invalidInput(in("Executors per agent " + executorsPerAgent
                        + " is outside 1 to 256."), "Give the number of builds one agent runs at once.");
            }
            if (maxTotalUses < 0) {
                throw StageException.invalidInput(in("Maximum total uses " + maxTotalUses + " is negative."),
                        "Give how many builds one agent takes before it is replaced (1 for single-use agents), "
                                + "or 0 for no limit.");
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw StageException.invalidInput(in("Idle timeout must be positive, not " + idleTimeout + "."),
                        "Give a duration such as 10m.");
            }
            return new AgentTemplate(this);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
