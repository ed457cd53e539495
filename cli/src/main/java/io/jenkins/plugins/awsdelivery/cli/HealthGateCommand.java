package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.health.HealthEndpoints;
import io.jenkins.plugins.awsdelivery.core.health.HealthGate;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateResult;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code health-gate}: the awsHealthGate stage from a shell. */
@Command(name = "health-gate", mixinStandardHelpOptions = true,
        description = {"Fail, or hold, while AWS Health reports open events for the services and regions of a deploy.",
            "Exit code 1 when the gate says no (or the account has no support plan and --on-unavailable is fail)."})
public final class HealthGateCommand extends StageCommand {

    @Mixin
    AwsOptions aws;

    @Option(names = "--services", split = ",", paramLabel = "CODE",
            description = "Health service codes, e.g. ECS,ELASTICLOADBALANCING (default: all services).")
    List<String> services = new ArrayList<>();

    @Option(names = "--regions", split = ",", paramLabel = "REGION",
            description = "Regions whose events count; 'global' for global events "
                    + "(default: the --region plus global).")
    List<String> regions = new ArrayList<>();

    @Option(names = "--categories", split = ",", paramLabel = "CATEGORY",
            description = "issue, scheduledChange, accountNotification, investigation (default: issue).")
    List<String> categories = new ArrayList<>();

    @Option(names = "--statuses", split = ",", paramLabel = "STATUS",
            description = "open, upcoming, closed (default: open).")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--upcoming-within", paramLabel = "DURATION",
            description = "With status upcoming: count events starting within this time (default: 24h).")
    String upcomingWithin;

    @Option(names = "--entity-arns", split = ",", paramLabel = "ARN",
            description = "Only events that affect these resources.")
    List<String> entityArns = new ArrayList<>();

    @Option(names = "--scope", paramLabel = "SCOPE", description = "account, public or both (default: both).")
    String scope;

    @Option(names = "--ignore-event-types", split = ",", paramLabel = "CODE",
            description = "Event type codes to ignore; * is a wildcard.")
    List<String> ignoreEventTypes = new ArrayList<>();

    @Option(names = "--only-event-types", split = ",", paramLabel = "CODE",
            description = "Only these event type codes count; * is a wildcard.")
    List<String> onlyEventTypes = new ArrayList<>();

    @Option(names = "--organization", description = "Use the AWS Organizations view of AWS Health.")
    boolean organization;

    @Option(names = "--account-ids", split = ",", paramLabel = "ID",
            description = "With --organization: only events of these accounts.")
    List<String> accountIds = new ArrayList<>();

    @Option(names = "--on-event", paramLabel = "ACTION", description = "fail, unstable or wait (default: fail).")
    String onEvent;

    @Option(names = "--on-unavailable", paramLabel = "ACTION",
            description = "When the account has no support plan: fail, unstable or pass (default: fail).")
    String onUnavailable;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long --on-event wait waits (default: 1h).")
    String timeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION",
            description = "How often --on-event wait checks again (default: 1m).")
    String pollInterval;

    @Option(names = "--passive-endpoint-url", paramLabel = "URL",
            description = "The passive AWS Health endpoint, asked when the active one (the partition's, or "
                    + "--endpoint-url) fails (default: the partition's passive endpoint, or --endpoint-url when set).")
    URI passiveEndpointUrl;

    @Override
    protected Outcome run(StageLog log) {
        HealthGateRequest request = HealthGateRequest.builder()
                .services(services).regions(regions).eventTypeCategories(categories).statuses(statuses)
                .upcomingWithin(upcomingWithin == null ? null : DurationText.parse("--upcoming-within", upcomingWithin))
                .entityArns(entityArns).scope(HealthGateRequest.scope(scope))
                .ignoreEventTypes(ignoreEventTypes).onlyEventTypes(onlyEventTypes)
                .organization(organization).accountIds(accountIds)
                .onEvent(HealthGateRequest.onEvent(onEvent))
                .onUnavailable(HealthGateRequest.onUnavailable(onUnavailable))
                .timeout(timeout == null ? null : DurationText.parse("--timeout", timeout))
                .pollInterval(pollInterval == null ? null : DurationText.parse("--poll-interval", pollInterval))
                .build();
        try (AwsClientFactory factory = new AwsClientFactory(aws.settings())) {
            HealthGate gate = new HealthGate(request, factory.settings().region(),
                    HealthEndpoints.forPartition(factory, passiveEndpointUrl), factory.calls(), Clock.systemUTC(), log);
            HealthGateResult result = gate.runBlocking(new BlockingWaiter(new WaitEngine(gate.waitPolicy())));
            return new Outcome(result, result.verdict() != GateVerdict.FAILED);
        }
    }
}
