package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code awsSpot} cloud as JCasC writes it ({@code jenkins: clouds: - awsSpot: {...}}): the same field names
 * and defaults as the cloud's configuration page, so that {@code spot-check --casc} checks exactly what the
 * controller would run. The agent templates are a {@code templates:} list of maps ({@link #TEMPLATE_NAMES}); a
 * cloud written before templates existed has the template's fields flat on the cloud ({@link #FLAT_TEMPLATE_NAMES})
 * and describes one template named "default". Both forms at once are refused, and so are unknown fields, as JCasC
 * refuses them.
 */
public final class SpotCloudFields {

    /** The fields that hold for the whole cloud; {@code maxAgents} is the cloud-wide maximum. */
    public static final Set<String> CLOUD_NAMES = Set.of("name", "region", "credentialsId", "roleArn", "externalId",
            "subnetIds", "maxAgents", "onDemandBase", "allocationStrategy", "maxSpotPrice", "onDemandFallback",
            "connectTimeoutMinutes", "interruptionQueueUrl", "tags", "connection", "sshCredentialsId", "sshPort",
            "identityCertificates", "templates", "warmBudgetPercent", "warmBudgetUsdPerDay", "warmMaxIdleAgents");

    /** The fields of one entry of {@code templates:}. */
    public static final Set<String> TEMPLATE_NAMES = Set.of("name", "labelString", "platform", "launchTemplate",
            "launchTemplateVersion", "amiId", "instanceProfile", "securityGroupIds", "keyName", "initScript",
            "instanceTypes", "minVcpu", "maxVcpu", "minMemoryMiB", "maxMemoryMiB", "numExecutors", "remoteFs",
            "jvmOptions", "minAgents", "maxAgents", "idleMinutes", "maxTotalUses", "nodeProperties");

    /**
     * A single-template cloud's template fields, flat on the cloud as before templates existed (with {@code
     * maxAgents}, there both the template's and the cloud's maximum).
     */
    public static final Set<String> FLAT_TEMPLATE_NAMES = Set.of("launchTemplate", "launchTemplateVersion", "amiId",
            "instanceProfile", "securityGroupIds", "initScript", "instanceTypes", "minVcpu", "maxVcpu",
            "minMemoryMiB", "maxMemoryMiB", "labelString", "numExecutors", "remoteFs", "jvmOptions", "minAgents",
            "idleMinutes", "keyName");

    /** Every field of the {@code awsSpot} cloud (docs/spot-agents.md, "Every field"): both forms. */
    public static final Set<String> NAMES = union(CLOUD_NAMES, FLAT_TEMPLATE_NAMES);

    private final Map<String, Object> fields;
    /** Where these fields are, for messages: empty for the cloud, " of template 'x'" for a template. */
    private final String where;

    private SpotCloudFields(Map<String, Object> fields) {
        this(fields, "");
    }

    private SpotCloudFields(Map<String, Object> fields, String where) {
        this.fields = fields;
        this.where = where;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Throws an invalid-input error naming the first field that the cloud does not have. */
    public static SpotCloudFields of(Map<String, ?> raw) {
        SpotCloudFields f = new SpotCloudFields(known(raw, NAMES, "The awsSpot cloud has no field '"));
        f.checkOneForm();
        return f;
    }

    private static Map<String, Object> known(Map<String, ?> raw, Set<String> names, String unknown) {
        Map<String, Object> fields = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!names.contains(k)) {
                throw StageException.invalidInput(unknown + k + "'.",
                        "Fields are: " + names.stream().sorted().toList() + ".");
            }
            if (v != null) {
                fields.put(k, v);
            }
        });
        return fields;
    }

    /** Refuses a cloud with both a {@code templates:} list and single-template fields on the cloud. */
    private void checkOneForm() {
        if (!fields.containsKey("templates")) {
            return;
        }
        List<String> flat = fields.keySet().stream().filter(FLAT_TEMPLATE_NAMES::contains).sorted().toList();
        if (!flat.isEmpty()) {
            throw StageException.invalidInput("The awsSpot cloud has both templates: and the single-template "
                    + "field(s) " + flat + " on the cloud.", "Move " + String.join(", ", flat) + " into an entry of "
                    + "templates: (each template has its own), or remove templates: to keep one template.");
        }
    }

    /**
     * These fields with {@code overrides} on top (command-line options, by the same field names); a null
     * override leaves the field as it is.
     */
    public SpotCloudFields with(Map<String, ?> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(fields);
        known(overrides, NAMES, "The awsSpot cloud has no field '").forEach(merged::put);
        SpotCloudFields f = new SpotCloudFields(merged);
        f.checkOneForm();
        return f;
    }

    public Optional<String> text(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?> list) {
            return Optional.of(String.join(" ", list.stream().map(String::valueOf).toList()));
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public int number(String field, int defaultValue) {
        Object v = fields.get(field);
        if (v == null || v instanceof String s && s.isBlank()) {
            return defaultValue;
        }
        if (v instanceof Number n && n.doubleValue() == n.intValue()) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw StageException.invalidInput("Field '" + field + "'" + where + " is '" + v + "', not a whole number.",
                    "Give a number such as " + defaultValue + ".");
        }
    }

    /** A decimal field, 0 when absent. */
    public double decimal(String field) {
        Object v = fields.get(field);
        if (v == null || v instanceof String s && s.isBlank()) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw StageException.invalidInput("Field '" + field + "'" + where + " is '" + v + "', not a number.",
                    "Give a number such as 10.");
        }
    }

    public boolean flag(String field, boolean defaultValue) {
        Object v = fields.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw StageException.invalidInput("Field '" + field + "'" + where + " is '" + v + "', not true or false.",
                "Give true or false.");
    }

    /** A list field: words separated by commas or white space, or a YAML list. */
    public List<String> list(String field) {
        return text(field).map(t -> Arrays.stream(t.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** The cloud's name; empty when the fields do not give one. */
    public String name() {
        return text("name").orElse("");
    }

    /** True when the cloud gives its templates as a {@code templates:} list. */
    public boolean hasTemplateList() {
        return fields.containsKey("templates");
    }

    /**
     * The fields of each template in order: the entries of {@code templates:}, or the cloud's own flat fields as
     * one template named "default". Throws naming the first entry that is not a map or has an unknown field.
     */
    public List<SpotCloudFields> templates() {
        if (!hasTemplateList()) {
            Map<String, Object> flat = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (FLAT_TEMPLATE_NAMES.contains(k) || k.equals("maxAgents")) {
                    flat.put(k, v);
                }
            });
            flat.put("name", AgentTemplate.DEFAULT_NAME);
            return List.of(new SpotCloudFields(flat));
        }
        Object raw = fields.get("templates");
        if (!(raw instanceof List<?> list)) {
            throw StageException.invalidInput("Field 'templates' is not a list.",
                    "Give a list of templates, each a map with a name, labelString, instanceTypes ...");
        }
        List<SpotCloudFields> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw StageException.invalidInput("Template " + (i + 1) + " of templates: is not a map.",
                        "Give each template as fields: name, labelString, instanceTypes ...");
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            map.forEach((k, v) -> entry.put(String.valueOf(k), v));
            String name = entry.get("name") == null ? "" : String.valueOf(entry.get("name")).trim();
            String label = name.isEmpty() ? "Template " + (i + 1) : "Template '" + name + "'";
            SpotCloudFields t = new SpotCloudFields(known(entry, TEMPLATE_NAMES, label + " has no field '"),
                    " of t" + label.substring(1));
            if (name.isEmpty()) {
                throw StageException.invalidInput(label + " of templates: has no name.",
                        "Give each template a name: lower-case letters, digits and '-', such as linux-large.");
            }
            out.add(t);
        }
        return out;
    }

    /**
     * One template's engine settings from its fields; throws naming the first wrong one. As the plugin does, a
     * template's {@code maxAgents} absent or 0 is the cloud-wide maximum, and otherwise at most that maximum; a
     * Windows template is refused on a cloud whose agents connect over SSH.
     */
    public AgentTemplate toTemplate(int cloudMaxAgents, boolean ssh) {
        AgentTemplate.Builder b = AgentTemplate.builder(name());
        AgentPlatform platform = text("platform").map(AgentPlatform::parse).orElse(AgentPlatform.LINUX);
        if (ssh && platform == AgentPlatform.WINDOWS) {
            throw StageException.invalidInput("Template " + name() + " is a Windows template, and Windows agents "
                    + "connect inbound only.", "Use inbound for the cloud, or a Linux platform for this template.");
        }
        b.platform(platform);
        text("launchTemplate").ifPresent(b::launchTemplate);
        text("launchTemplateVersion").ifPresent(b::launchTemplateVersion);
        text("amiId").ifPresent(b::amiId);
        text("instanceProfile").ifPresent(b::instanceProfile);
        b.securityGroupIds(list("securityGroupIds"));
        text("keyName").ifPresent(b::keyName);
        int minVcpu = number("minVcpu", 0);
        if (minVcpu > 0 || number("maxVcpu", 0) > 0 || number("minMemoryMiB", 0) > 0
                || number("maxMemoryMiB", 0) > 0) {
            b.instanceRequirements(new InstanceRequirementsSpec(minVcpu, number("maxVcpu", 0),
                    number("minMemoryMiB", 0), number("maxMemoryMiB", 0)));
        }
        b.instanceTypes(list("instanceTypes").stream().map(InstanceTypeWeight::parse).toList());
        int maxAgents = number("maxAgents", 0); // the plugin keeps a negative maximum as 0
        return b.labels(new LinkedHashSet<>(list("labelString")))
                .executorsPerAgent(number("numExecutors", 1))
                .capacity(number("minAgents", 0), maxAgents <= 0 ? cloudMaxAgents : Math.min(maxAgents, cloudMaxAgents))
                .idleTimeout(Duration.ofMinutes(number("idleMinutes", 10)))
                .maxTotalUses(number("maxTotalUses", 0))
                .build();
    }

    /**
     * The engine's configuration from every field that shapes what is launched; throws an invalid-input error
     * naming the first wrong one. Fields that only concern the agents once running (labels aside: remote FS, JVM
     * options, connection, SSH credentials, init script, node properties, interruption queue) do not change what
     * EC2 is asked.
     */
    public SpotFleetConfig toConfig(String controllerId) {
        int cloudMaxAgents = number("maxAgents", 10);
        boolean ssh = "ssh".equals(text("connection").orElse(""));
        SpotFleetConfig.Builder b = SpotFleetConfig.builder(name(), controllerId)
                .templates(templates().stream().map(t -> t.toTemplate(cloudMaxAgents, ssh)).toList());
        b.subnetIds(list("subnetIds"))
                .maxAgents(cloudMaxAgents)
                .onDemandBase(number("onDemandBase", 0))
                .allocationStrategy(text("allocationStrategy").map(AllocationStrategy::parse).orElse(null))
                .onDemandFallback(flag("onDemandFallback", true))
                .connectTimeout(Duration.ofMinutes(number("connectTimeoutMinutes", 10)))
                .tags(TagText.parse(text("tags").orElse(null)));
        text("maxSpotPrice").ifPresent(p -> b.maxSpotPrice(SpotFleetConfig.parsePrice(p)));
        try {
            b.warmCapacity(new WarmCapacityBudget(decimal("warmBudgetPercent"), decimal("warmBudgetUsdPerDay"),
                    number("warmMaxIdleAgents", 0)));
        } catch (IllegalArgumentException e) {
            throw StageException.invalidInput(e.getMessage(), "Give 0 to turn a warm capacity limit off.");
        }
        return b.build();
    }
}
