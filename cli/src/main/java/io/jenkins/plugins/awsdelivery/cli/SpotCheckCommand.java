package io.jenkins.plugins.awsdelivery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheck;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCloudFields;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Checks a Spot cloud's configuration against EC2 and IAM (core's {@link SpotCheck}): from options, from the cloud
 * in a JCasC file, or both (options win), and lists the cloud's instances.
 */
@Command(name = "spot-check", mixinStandardHelpOptions = true,
        description = {"Check a Spot agent cloud's configuration against EC2 and IAM without launching anything: "
                + "subnets, instance types and their offerings in the subnets' zones, launch template and version, "
                + "image, security groups, instance profile, and a dry-run CreateFleet of one instance from every "
                + "pool; then list the instances the cloud already runs.",
            "The cloud comes from --casc (a JCasC file with an awsSpot cloud under jenkins: clouds:), from the "
                + "options, or both: options override the file's fields. Each of the cloud's agent templates is "
                + "checked; the template options (--launch-template, --instance-types, --min-agents ...) describe "
                + "a single-template cloud and cannot be combined with a file whose cloud has templates:.",
            "Exit code 1 when a problem was found (every problem is listed), 2 for an invalid configuration."})
public final class SpotCheckCommand extends StageCommand {

    private static final ObjectMapper YAML = new YAMLMapper();

    @Mixin
    AwsOptions aws;

    @Option(names = "--casc", paramLabel = "FILE", description = "A JCasC YAML file with the cloud (jenkins: "
            + "clouds: - awsSpot: ...); every field of the cloud is read.")
    Path casc;

    @Option(names = "--cloud", paramLabel = "NAME", description = "The cloud's name; with --casc, which of its "
            + "awsSpot clouds (optional when it has one).")
    String cloud;

    @Option(names = "--controller-id", paramLabel = "ID", defaultValue = "cli",
            description = "The controller identity the cloud's instances are tagged with (default: ${DEFAULT-VALUE}).")
    String controllerId;

    @Option(names = "--launch-template", paramLabel = "ID_OR_NAME", description = "Launch template ID or name "
            + "(not with --ami).")
    String launchTemplate;

    @Option(names = "--launch-template-version", paramLabel = "VERSION",
            description = "$Default (default), $Latest or a version number.")
    String launchTemplateVersion;

    @Option(names = "--ami", paramLabel = "AMI_ID", description = "Instead of a launch template: an AMI, with "
            + "--security-groups, --instance-profile and --key-name.")
    String ami;

    @Option(names = "--security-groups", split = ",", paramLabel = "SG", description = "With --ami: security "
            + "group IDs.")
    List<String> securityGroups;

    @Option(names = "--instance-profile", paramLabel = "NAME_OR_ARN", description = "With --ami: the agents' "
            + "instance profile.")
    String instanceProfile;

    @Option(names = "--key-name", paramLabel = "NAME", description = "With --ami: an EC2 key pair (SSH agents).")
    String keyName;

    @Option(names = "--instance-types", split = ",", paramLabel = "TYPE[:WEIGHT]",
            description = "Instance types, optionally weighted: m5.large,m5.2xlarge:4.")
    List<String> instanceTypes;

    @Option(names = "--min-vcpu", paramLabel = "N", description = "Instead of instance types: at least N vCPUs.")
    Integer minVcpu;

    @Option(names = "--max-vcpu", paramLabel = "N", description = "At most N vCPUs (0: no maximum).")
    Integer maxVcpu;

    @Option(names = "--min-memory-mib", paramLabel = "MIB", description = "At least this much memory.")
    Integer minMemoryMiB;

    @Option(names = "--max-memory-mib", paramLabel = "MIB", description = "At most this much memory (0: no "
            + "maximum).")
    Integer maxMemoryMiB;

    @Option(names = "--subnets", split = ",", paramLabel = "SUBNET",
            description = "Subnet IDs, one per Availability Zone.")
    List<String> subnets;

    @Option(names = "--allocation-strategy", paramLabel = "STRATEGY",
            description = "price-capacity-optimized (default), capacity-optimized or lowest-price.")
    String allocationStrategy;

    @Option(names = "--max-spot-price", paramLabel = "USD", description = "Highest Spot price per instance-hour "
            + "(default: the on-demand price).")
    String maxSpotPrice;

    @Option(names = "--min-agents", paramLabel = "N", description = "Agents kept running (default: 0).")
    Integer minAgents;

    @Option(names = "--max-agents", paramLabel = "N", description = "Most agents, over all templates (default: "
            + "10).")
    Integer maxAgents;

    @Option(names = "--on-demand-base", paramLabel = "N", description = "The first N agents are on-demand "
            + "(default: 0).")
    Integer onDemandBase;

    @Option(names = "--on-demand-fallback", negatable = true, description = "Launch on demand what Spot cannot "
            + "supply (default: on; --no-on-demand-fallback to turn it off).")
    Boolean onDemandFallback;

    @Override
    protected Outcome run(StageLog log) {
        SpotCloudFields fields = SpotCloudFields.of(casc == null ? Map.of() : readCasc(casc, cloud)).with(options());
        if (fields.name().isEmpty()) {
            throw StageException.invalidInput("No cloud name: give --cloud, or --casc with a cloud that has a name.",
                    "The name is the cloud's, as in its instances' aws-delivery-stages:cloud tag.");
        }
        fields.text("credentialsId").ifPresent(id -> log.warn("The cloud's credentialsId '%s' is a Jenkins "
                + "credential; spot-check uses --profile or the default AWS credentials chain instead.", id));
        SpotFleetConfig config = fields.toConfig(controllerId);
        AwsSettings settings = aws.settings(AwsSettings.Layer.EMPTY.withRegion(fields.text("region").orElse(null))
                .withRole(fields.text("roleArn").orElse(null), fields.text("externalId").orElse(null)));
        log.info("Cloud %s: %d template(s), %d pool(s) in %s.", config.cloudName(), config.templates().size(),
                config.templates().stream().mapToInt(t -> config.pools(t).size()).sum(), settings.region());
        try (AwsClientFactory factory = new AwsClientFactory(settings)) {
            SpotCheckResult result = new SpotCheck(factory, Clock.systemUTC()).run(config);
            result.checked().forEach(c -> log.info("Found %s.", c));
            result.warnings().forEach(log::warn);
            result.problems().forEach(p -> log.warn("Problem (%s): %s", p.field(), p.message()));
            log.info("%s", result.dryRun());
            log.info(result.passed() ? "No problem found." : result.problems().size() + " problem(s) found.");
            return new Outcome(result, result.passed());
        }
    }

    /** The options as the cloud's fields; an option not given leaves the file's field. */
    private Map<String, Object> options() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", cloud);
        o.put("launchTemplate", launchTemplate);
        o.put("launchTemplateVersion", launchTemplateVersion);
        o.put("amiId", ami);
        o.put("securityGroupIds", securityGroups);
        o.put("instanceProfile", instanceProfile);
        o.put("keyName", keyName);
        o.put("instanceTypes", instanceTypes);
        o.put("minVcpu", minVcpu);
        o.put("maxVcpu", maxVcpu);
        o.put("minMemoryMiB", minMemoryMiB);
        o.put("maxMemoryMiB", maxMemoryMiB);
        o.put("subnetIds", subnets);
        o.put("allocationStrategy", allocationStrategy);
        o.put("maxSpotPrice", maxSpotPrice);
        o.put("minAgents", minAgents);
        o.put("maxAgents", maxAgents);
        o.put("onDemandBase", onDemandBase);
        o.put("onDemandFallback", onDemandFallback);
        return o;
    }

    /** The fields of the awsSpot cloud named {@code name} (or the only one) under {@code jenkins: clouds:}. */
    static Map<String, Object> readCasc(Path file, String name) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw StageException.invalidInput("The JCasC file " + file + " does not exist.", "Check the path.");
        } catch (IOException e) {
            throw StageException.invalidInput("The JCasC file " + file + " cannot be read as YAML: "
                    + e.getMessage().lines().findFirst().orElse("") + ".", "Check its syntax, for instance with "
                    + "the configuration-as-code plugin's 'View Configuration'.");
        }
        List<JsonNode> spotClouds = new ArrayList<>();
        JsonNode clouds = root == null ? null : root.path("jenkins").path("clouds");
        if (clouds != null && clouds.isArray()) {
            clouds.forEach(c -> {
                if (c.has("awsSpot")) {
                    spotClouds.add(c.get("awsSpot"));
                }
            });
        }
        List<String> names = spotClouds.stream().map(c -> c.path("name").asText("")).toList();
        if (spotClouds.isEmpty()) {
            throw StageException.invalidInput("The JCasC file " + file + " has no awsSpot cloud under jenkins: "
                    + "clouds:.", "Give the file the controller is configured with (docs/spot-agents.md shows one).");
        }
        JsonNode chosen;
        if (name == null) {
            if (spotClouds.size() > 1) {
                throw StageException.invalidInput("The JCasC file " + file + " has " + spotClouds.size()
                        + " awsSpot clouds " + names + ".", "Say which with --cloud NAME.");
            }
            chosen = spotClouds.get(0);
        } else {
            int i = names.indexOf(name);
            if (i < 0) {
                throw StageException.invalidInput("The JCasC file " + file + " has no awsSpot cloud named '" + name
                        + "'; its awsSpot clouds are " + names + ".", "Give one of these names with --cloud.");
            }
            chosen = spotClouds.get(i);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        chosen.fields().forEachRemaining(e -> fields.put(e.getKey(), value(e.getValue(), e.getKey(), file)));
        return fields;
    }

    /**
     * A field's value as JCasC reads it: numbers and booleans as such, text with its variables resolved, lists
     * and maps (the cloud's {@code templates:}) value by value.
     */
    private static Object value(JsonNode node, String field, Path file) {
        if (node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isValueNode()) {
            return resolve(node.asText(), field, file);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(value(n, field, file)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), value(e.getValue(), e.getKey(), file)));
        return map;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\^?\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}]*))?}");

    /**
     * JCasC's variables, {@code ${NAME}} and {@code ${NAME:-default}}, from the environment as the controller
     * would read them from its own ({@code ^${NAME}} stays as written).
     */
    static String resolve(String text, String field, Path file) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group().startsWith("^")) {
                value = m.group().substring(1);
            } else {
                value = System.getenv(m.group(1)) != null ? System.getenv(m.group(1)) : m.group(2);
                if (value == null) {
                    throw StageException.invalidInput("Field '" + field + "' of the JCasC file " + file + " uses ${"
                            + m.group(1) + "}, which is not set in the environment.", "Export " + m.group(1)
                            + " as the controller has it, or give the field as an option.");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
