package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a check of a Spot cloud configuration found: the pools it would use, EC2's answer to a dry-run CreateFleet,
 * and the instances the cloud already has.
 */
public record SpotCheckResult(String cloud, int pools, String dryRun, List<FleetApi.ManagedInstance> instances,
                              Map<String, Long> apiCalls) implements StageResult {

    /** Checks a configuration against EC2 without launching anything. */
    public static SpotCheckResult check(SpotFleetConfig config, Ec2FleetApi api,
                                        io.jenkins.plugins.awsdelivery.core.aws.ApiCallCounter calls) {
        String dryRun;
        if (config.usesAmi()) {
            dryRun = "No dry run: with an AMI, the launch template " + config.ownLaunchTemplateName()
                    + " is made at the first launch";
        } else {
            String template = config.launchTemplateId().orElseGet(() -> config.launchTemplateName().orElseThrow());
            dryRun = api.dryRun(new FleetApi.FleetRequest(config, template, config.pools(), 1, 0,
                    "spot-check-" + System.currentTimeMillis()));
        }
        List<FleetApi.ManagedInstance> instances = api.describeManagedInstances(config.controllerId(),
                config.cloudName());
        return new SpotCheckResult(config.cloudName(), config.pools().size(), dryRun, instances, calls.calls());
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cloud", cloud);
        m.put("pools", pools);
        m.put("dryRun", dryRun);
        m.put("instances", instances.stream().map(i -> Map.<String, Object>of("instanceId", i.instanceId(),
                "instanceType", i.pool().instanceType(), "subnetId", i.pool().subnetId(),
                "market", i.market().apiValue(), "state", i.state())).toList());
        m.put("apiCalls", new LinkedHashMap<>(apiCalls));
        return m;
    }
}
