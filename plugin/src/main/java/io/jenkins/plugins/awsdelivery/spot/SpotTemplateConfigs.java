package io.jenkins.plugins.awsdelivery.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.spot.AgentPlatform;
import io.jenkins.plugins.awsdelivery.core.spot.AgentTemplate;
import io.jenkins.plugins.awsdelivery.core.spot.AgentUserData;
import io.jenkins.plugins.awsdelivery.core.spot.AllocationStrategy;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceRequirementsSpec;
import io.jenkins.plugins.awsdelivery.core.spot.InstanceTypeWeight;
import io.jenkins.plugins.awsdelivery.core.spot.SpotFleetConfig;
import io.jenkins.plugins.awsdelivery.core.spot.TagText;
import io.jenkins.plugins.awsdelivery.core.spot.WarmCapacityBudget;
import io.jenkins.plugins.awsdelivery.steps.ListParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import jenkins.model.Jenkins;

/** Builds core's engine configuration from a {@link SpotCloud} and its templates, with each template's boot script. */
final class SpotTemplateConfigs {

    private SpotTemplateConfigs() {}

    /** The engine's configuration; throws {@link StageException} naming the first wrong field and template. */
    static SpotFleetConfig toConfig(SpotCloud cloud, String controllerId) {
        List<AgentTemplate> templates = new ArrayList<>();
        for (SpotAgentTemplate t : cloud.getTemplates()) {
            templates.add(template(cloud, t)); // core's messages name the template
        }
        SpotFleetConfig.Builder b = SpotFleetConfig.builder(cloud.name, controllerId)
                .templates(templates)
                .subnetIds(ListParameters.split(cloud.getSubnetIds()))
                .maxAgents(cloud.getMaxAgents())
                .onDemandBase(cloud.getOnDemandBase())
                .allocationStrategy(AllocationStrategy.parse(cloud.getAllocationStrategy()))
                .onDemandFallback(cloud.isOnDemandFallback())
                .connectTimeout(Duration.ofMinutes(cloud.getConnectTimeoutMinutes()))
                .tags(TagText.parse(cloud.getTags()));
        if (cloud.getMaxSpotPrice() != null) {
            b.maxSpotPrice(SpotFleetConfig.parsePrice(cloud.getMaxSpotPrice()));
        }
        b.warmCapacity(new WarmCapacityBudget(cloud.getWarmBudgetPercent(), cloud.getWarmBudgetUsdPerDay(),
                cloud.getWarmMaxIdleAgents()));
        return b.build();
    }

    /** One template as the engine sees it. */
    static AgentTemplate template(SpotCloud cloud, SpotAgentTemplate t) {
        if (cloud.usesSsh() && t.isWindows()) {
            throw StageException.invalidInput("Template " + t.getName() + " is a Windows template, and Windows agents "
                    + "connect inbound only.", "Use inbound for the cloud, or a Linux platform for this template.");
        }
        AgentTemplate.Builder b = AgentTemplate.builder(t.getName())
                .platform(AgentPlatform.parse(t.getPlatform()))
                .labels(new LinkedHashSet<>(ListParameters.split(t.getLabelString())));
        if (t.getLaunchTemplate() != null) {
            b.launchTemplate(t.getLaunchTemplate()).launchTemplateVersion(t.getLaunchTemplateVersion());
        } else {
            b.ami(t.getAmiId(), t.getInstanceProfile(), ListParameters.split(t.getSecurityGroupIds()),
                    t.getAmiId() == null ? null : userData(cloud, t));
            b.keyName(t.getKeyName());
        }
        // As spot-check reads the fields: any range set asks for ranges (a maximum alone, or ranges beside
        // instance types, is refused by core, never silently dropped).
        if (t.getMinVcpu() > 0 || t.getMaxVcpu() > 0 || t.getMinMemoryMiB() > 0 || t.getMaxMemoryMiB() > 0) {
            b.instanceRequirements(new InstanceRequirementsSpec(t.getMinVcpu(), t.getMaxVcpu(), t.getMinMemoryMiB(),
                    t.getMaxMemoryMiB()));
        }
        b.instanceTypes(ListParameters.split(t.getInstanceTypes()).stream().map(InstanceTypeWeight::parse).toList());
        int max = t.getMaxAgents() == 0 ? cloud.getMaxAgents() : Math.min(t.getMaxAgents(), cloud.getMaxAgents());
        return b.executorsPerAgent(t.getNumExecutors())
                .capacity(t.getMinAgents(), max)
                .idleTimeout(Duration.ofMinutes(t.getIdleMinutes()))
                .maxTotalUses(t.getMaxTotalUses())
                .build();
    }

    /**
     * The boot script of a template's inbound agents. With an AMI the cloud puts it in its own launch template;
     * with a launch template of yours, put it in the template's user data (the cloud's page shows it).
     */
    static String bootstrapScript(SpotCloud cloud, SpotAgentTemplate t) {
        try {
            return inbound(cloud, t);
        } catch (StageException e) {
            return "# " + e.describe();
        }
    }

    /** The user data of a template's own launch template: the inbound bootstrap, or the init script for SSH. */
    private static String userData(SpotCloud cloud, SpotAgentTemplate t) {
        if (cloud.usesSsh()) {
            return t.getInitScript() == null ? null : "#!/bin/bash\n" + t.getInitScript().strip() + "\n";
        }
        return inbound(cloud, t);
    }

    private static String inbound(SpotCloud cloud, SpotAgentTemplate t) {
        return AgentUserData.forTemplate(AgentPlatform.parse(t.getPlatform()), Jenkins.get().getRootUrl(), cloud.name,
                t.effectiveRemoteFs(), t.getJvmOptions(), t.getInitScript());
    }
}
