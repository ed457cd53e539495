package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.AssessmentName;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.EksSource;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGate;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resilience-hub-gate}: the resilienceHubGate stage from a shell. */
@Command(name = "resilience-hub-gate", mixinStandardHelpOptions = true,
        description = {"Import an application's resources into AWS Resilience Hub, publish and assess it, and say no "
                + "when its resiliency policy is breached.",
            "Exit code 1 when the gate says no: policy breached (with --on-breach fail), no policy (with "
                + "--on-missing-policy fail), assessment failed or timed out."})
public final class ResilienceHubGateCommand extends StageCommand {

    @Mixin
    AwsOptions aws;

    @Option(names = "--app-arn", required = true, paramLabel = "ARN", description = "The Resilience Hub application.")
    String appArn;

    @Option(names = "--stack-arns", split = ",", paramLabel = "ARN",
            description = "CloudFormation stacks (stack IDs) to import into the draft version.")
    List<String> stackArns = new ArrayList<>();

    @Option(names = "--terraform-state-files", split = ",", paramLabel = "S3_URL",
            description = "Terraform state files to import: s3://bucket/key or an S3 HTTPS URL.")
    List<String> terraformStateFiles = new ArrayList<>();

    @Option(names = "--eks-source", paramLabel = "CLUSTER_ARN=NS[,NS...]",
            description = "An EKS cluster and its namespaces to import; repeat for several clusters.")
    List<String> eksSources = new ArrayList<>();

    @Option(names = "--import-strategy", paramLabel = "STRATEGY",
            description = "AddOnly (default) or ReplaceAll.")
    String importStrategy;

    @Option(names = "--assessment-name", paramLabel = "NAME",
            description = "Default: jenkins-<JOB_NAME>-<BUILD_NUMBER> when those are set, else cli-<UTC time>.")
    String assessmentName;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long the import and the assessment may take together (default: 1h).")
    String timeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION",
            description = "First delay between looks; backs off to twice this (default: 30s).")
    String pollInterval;

    @Option(names = "--on-breach", paramLabel = "ACTION",
            description = "PolicyBreached: fail, unstable or pass (default: fail).")
    String onBreach;

    @Option(names = "--on-missing-policy", paramLabel = "ACTION",
            description = "MissingPolicy, NotApplicable or NotAssessed: fail, unstable or pass (default: fail).")
    String onMissingPolicy;

    @Option(names = "--force-assessment",
            description = "Assess even when the published version was assessed already (uses the monthly quota).")
    boolean forceAssessment;

    /** Environment of the process; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    protected Outcome run(StageLog log) {
        ResilienceHubGateRequest request = ResilienceHubGateRequest.builder(appArn, name())
                .stackArns(stackArns).terraformStateFiles(terraformStateFiles)
                .eksSources(eksSources.stream().map(EksSource::parse).toList())
                .importStrategy(ResilienceHubGateRequest.importStrategy(importStrategy))
                .timeout(timeout == null ? null : DurationText.parse("--timeout", timeout))
                .pollInterval(pollInterval == null ? null : DurationText.parse("--poll-interval", pollInterval))
                .onBreach(ResilienceHubGateRequest.action("--on-breach", onBreach))
                .onMissingPolicy(ResilienceHubGateRequest.action("--on-missing-policy", onMissingPolicy))
                .forceAssessment(forceAssessment)
                .build();
        try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
            ResilienceHubGate gate = new ResilienceHubGate(request, factory, Clock.systemUTC(), log);
            ResilienceHubGateResult result = gate.run(new BlockingWaiter(new WaitEngine(gate.waitPolicy())));
            return new Outcome(result, result.verdict() != GateVerdict.FAILED);
        }
    }

    private String name() {
        if (assessmentName != null && !assessmentName.isBlank()) {
            return assessmentName;
        }
        String job = environment.get("JOB_NAME");
        String build = environment.get("BUILD_NUMBER");
        if (job != null && build != null && build.matches("\\d+")) {
            return AssessmentName.forBuild(job, Long.parseLong(build));
        }
        return "cli-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(Clock.systemUTC().instant());
    }
}
