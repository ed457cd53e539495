package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.Ec2FleetApi;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceTypeWeight;
import io.jenkins.plugins.awsdelivery.core.spot.SpotCheckResult;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Checks a Spot cloud's configuration against EC2 (a dry-run CreateFleet) and lists the cloud's instances. */
@Command(name = "spot-check", mixinStandardHelpOptions = true,
        description = {"Check a Spot agent cloud's configuration against EC2 without launching anything: a dry-run "
                + "CreateFleet of one instance from every pool, and the instances the cloud already runs."})
public final class SpotCheckCommand extends StageCommand {

    @Mixin
    AwsOptions aws;

    @Option(names = "--cloud", required = true, paramLabel = "NAME", description = "The cloud's name.")
    String cloud;

    @Option(names = "--controller-id", paramLabel = "ID", defaultValue = "cli",
            description = "The controller identity the cloud's instances are tagged with (default: ${DEFAULT-VALUE}).")
    String controllerId;

    @Option(names = "--launch-template", paramLabel = "ID_OR_NAME", description = "Launch template ID or name.")
    String launchTemplate;

    @Option(names = "--launch-template-version", paramLabel = "VERSION", description = "Default: $Default.")
    String launchTemplateVersion;

    @Option(names = "--ami", paramLabel = "AMI_ID", description = "Instead of a launch template: an AMI.")
    String ami;

    @Option(names = "--instance-types", split = ",", paramLabel = "TYPE[:WEIGHT]", required = true,
            description = "Instance types, optionally weighted: m5.large,m5.2xlarge:4.")
    List<String> instanceTypes = new ArrayList<>();

    @Option(names = "--subnets", split = ",", paramLabel = "SUBNET", required = true,
            description = "Subnet IDs, one per Availability Zone.")
    List<String> subnets = new ArrayList<>();

    @Option(names = "--allocation-strategy", paramLabel = "STRATEGY", defaultValue = "price-capacity-optimized",
            description = "price-capacity-optimized, capacity-optimized or lowest-price (default: ${DEFAULT-VALUE}).")
    String allocationStrategy;

    @Override
    protected Outcome run(StageLog log) {
        SpotFleetConfig.Builder b = SpotFleetConfig.builder(cloud, controllerId)
                .instanceTypes(instanceTypes.stream().map(InstanceTypeWeight::parse).toList())
                .subnetIds(subnets)
                .allocationStrategy(AllocationStrategy.parse(allocationStrategy));
        if (launchTemplate != null && launchTemplate.startsWith("lt-")) {
            b.launchTemplateId(launchTemplate).launchTemplateVersion(launchTemplateVersion);
        } else if (launchTemplate != null) {
            b.launchTemplateName(launchTemplate).launchTemplateVersion(launchTemplateVersion);
        } else {
            b.ami(ami, null, List.of(), null);
        }
        SpotFleetConfig config = b.build();
        log.info("Cloud %s: %d pool(s).", cloud, config.pools().size());
        try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
            SpotCheckResult result = SpotCheckResult.check(config, new Ec2FleetApi(factory, Clock.systemUTC()),
                    factory.calls());
            log.info("%s", result.dryRun());
            return new Outcome(result, true);
        }
    }
}
