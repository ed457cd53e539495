package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployRequest;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsForceDeploy;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ecs-force-deploy}: the ecsForceDeploy stage from a shell. */
@Command(name = "ecs-force-deploy", mixinStandardHelpOptions = true,
        description = {"Force a new ECS deployment (optionally with new images) and follow it to its real end.",
            "Exit code 1 when the deployment failed, was rolled back or timed out."})
public final class EcsForceDeployCommand extends StageCommand {

    @Mixin
    AwsOptions aws;

    @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "Cluster name or ARN.")
    String cluster;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "Service name or ARN.")
    String service;

    @Option(names = "--image", paramLabel = "[CONTAINER=]URI",
            description = "New image: CONTAINER=URI for one container (repeatable), or URI alone when the task "
                    + "definition has one container. Registers a new task definition revision.")
    List<String> images = new ArrayList<>();

    @Option(names = "--task-definition", paramLabel = "FAMILY:REVISION|ARN",
            description = "Deploy this task definition instead of the current one.")
    String taskDefinition;

    @Option(names = "--no-force-new-deployment", negatable = true, defaultValue = "true",
            description = "Start new tasks even when nothing changed (default: true).")
    boolean forceNewDeployment;

    @Option(names = "--desired-count", paramLabel = "N", description = "New desired task count.")
    Integer desiredCount;

    @Option(names = "--no-wait", description = "Return once the deployment started.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to follow it (default: 20m).")
    String timeout;

    @Option(names = "--rollback-on-timeout", description = "At the timeout, stop the deployment with a rollback.")
    boolean rollbackOnTimeout;

    @Option(names = "--min-poll-interval", paramLabel = "DURATION", description = "Default: 10s.")
    String minPollInterval;

    @Option(names = "--max-poll-interval", paramLabel = "DURATION", description = "Default: 15s.")
    String maxPollInterval;

    @Option(names = "--require-digest",
            description = "When an image is pinned by digest (repo@sha256:...), fail if a running task reports no "
                    + "image digest (default: a warning).")
    boolean requireDigest;

    @Override
    protected Outcome run(StageLog log) {
        EcsDeployRequest request = new EcsDeployRequest(cluster, service, EcsDeployRequest.parseImages(images), taskDefinition,
                forceNewDeployment, desiredCount, !noWait,
                timeout == null ? null : DurationText.parse("--timeout", timeout), rollbackOnTimeout,
                minPollInterval == null ? null : DurationText.parse("--min-poll-interval", minPollInterval),
                maxPollInterval == null ? null : DurationText.parse("--max-poll-interval", maxPollInterval))
                .withRequireDigest(requireDigest);
        try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
            EcsForceDeploy stage = new EcsForceDeploy(request, factory, Clock.systemUTC(), log);
            EcsDeployResult result = stage.run(new BlockingWaiter(new WaitEngine(stage.waitPolicy())));
            return new Outcome(result, result.passed());
        }
    }
}
