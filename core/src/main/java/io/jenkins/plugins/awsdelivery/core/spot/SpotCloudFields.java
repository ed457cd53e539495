package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Duration;
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
 * controller would run. Unknown fields are refused, as JCasC refuses them.
 */
public final class SpotCloudFields {

    /** Every field of the {@code awsSpot} cloud (docs/spot-agents.md, "Every field"). */
    public static final Set<String> NAMES = Set.of("name", "region", "credentialsId", "roleArn", "externalId",
            "launchTemplate", "launchTemplateVersion", "amiId", "instanceProfile", "securityGroupIds", "initScript",
            "instanceTypes", "minVcpu", "maxVcpu", "minMemoryMiB", "maxMemoryMiB", "subnetIds", "labelString",
            "numExecutors", "remoteFs", "jvmOptions", "minAgents", "maxAgents", "onDemandBase", "allocationStrategy",
            "maxSpotPrice", "onDemandFallback", "idleMinutes", "connectTimeoutMinutes", "interruptionQueueUrl",
            "tags", "connection", "sshCredentialsId", "sshPort", "keyName", "identityCertificates");

    private final Map<String, Object> fields;

    private SpotCloudFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** Throws an invalid-input error naming the first field that the cloud does not have. */
    public static SpotCloudFields of(Map<String, ?> raw) {
        Map<String, Object> fields = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!NAMES.contains(k)) {
                throw StageException.invalidInput("The awsSpot cloud has no field '" + k + "'.",
                        "Fields are: " + NAMES.stream().sorted().toList() + ".");
            }
            if (v != null) {
                fields.put(k, v);
            }
        });
        return new SpotCloudFields(fields);
    }

    /**
     * These fields with {@code overrides} on top (command-line options, by the same field names); a null
     * override leaves the field as it is.
     */
    public SpotCloudFields with(Map<String, ?> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(fields);
        of(overrides).fields.forEach(merged::put);
        return new SpotCloudFields(merged);
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
            throw StageException.invalidInput("Field '" + field + "' is '" + v + "', not a whole number.",
                    "Give a number such as " + defaultValue + ".");
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
        throw StageException.invalidInput("Field '" + field + "' is '" + v + "', not true or false.",
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

    /**
     * The engine's configuration from every field that shapes what is launched; throws an invalid-input error
     * naming the first wrong one. Fields that only concern the agents once running (labels aside: remote FS, JVM
     * options, connection, SSH credentials, init script, interruption queue) do not change what EC2 is asked.
     */
    public SpotFleetConfig toConfig(String controllerId) {
        SpotFleetConfig.Builder b = SpotFleetConfig.builder(name(), controllerId);
        text("launchTemplate").ifPresent(t -> {
            if (t.startsWith("lt-")) {
                b.launchTemplateId(t);
            } else {
                b.launchTemplateName(t);
            }
        });
        text("launchTemplateVersion").ifPresent(b::launchTemplateVersion);
        text("amiId").ifPresent(a -> b.ami(a, null, List.of(), null));
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
        b.subnetIds(list("subnetIds"))
                .capacity(number("minAgents", 0), number("maxAgents", 10), number("onDemandBase", 0))
                .executorsPerAgent(number("numExecutors", 1))
                .allocationStrategy(text("allocationStrategy").map(AllocationStrategy::parse).orElse(null))
                .onDemandFallback(flag("onDemandFallback", true))
                .idleTimeout(Duration.ofMinutes(number("idleMinutes", 10)))
                .connectTimeout(Duration.ofMinutes(number("connectTimeoutMinutes", 10)))
                .labels(new LinkedHashSet<>(list("labelString")))
                .tags(TagText.parse(text("tags").orElse(null)));
        text("maxSpotPrice").ifPresent(p -> b.maxSpotPrice(SpotFleetConfig.parsePrice(p)));
        return b.build();
    }
}
