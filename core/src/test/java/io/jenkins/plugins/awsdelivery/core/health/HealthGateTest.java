package io.jenkins.plugins.awsdelivery.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.ApiCallCounter;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest.OnEvent;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest.OnUnavailable;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest.Scope;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeHealth;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.health.HealthClient;

class HealthGateTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private FakeHealth active;
    private FakeHealth passive;
    private AwsClientFactory activeFactory;
    private AwsClientFactory passiveFactory;
    private final ApiCallCounter counter = new ApiCallCounter();
    private final List<String> log = new ArrayList<>();
    private final TestClock clock = new TestClock(NOW);

    @BeforeEach
    void start() {
        active = new FakeHealth();
        passive = new FakeHealth();
        activeFactory = new AwsClientFactory(active.server().settings("us-east-1"), counter);
        passiveFactory = new AwsClientFactory(passive.server().settings("us-east-1"), counter);
    }

    @AfterEach
    void stop() {
        activeFactory.close();
        passiveFactory.close();
        active.close();
        passive.close();
    }

    private HealthGate gate(HealthGateRequest.Builder request) {
        HealthEndpoints endpoints = new HealthEndpoints(List.of(
                new HealthEndpoints.Endpoint("us-east-1", active.server().endpoint().toString(),
                        activeFactory.client(HealthClient::builder, "us-east-1")),
                new HealthEndpoints.Endpoint("us-east-2", passive.server().endpoint().toString(),
                        passiveFactory.client(HealthClient::builder, "us-east-2"))),
                activeFactory.settings());
        return new HealthGate(request.build(), "eu-west-1", endpoints, counter, clock, StageLog.to(log::add));
    }

    private HealthGateResult run(HealthGateRequest.Builder request) {
        BlockingWaiter waiter = new BlockingWaiter(new WaitEngine(gate(request).waitPolicy(), new Random(1)), clock,
                clock::advance);
        return gate(request).runBlocking(waiter);
    }

    private static HealthGateRequest.Builder ecsAndElb() {
        return HealthGateRequest.builder().services(List.of("ECS", "ELASTICLOADBALANCING"));
    }

    @Test
    void noEventsPasses() {
        HealthGateResult r = run(ecsAndElb());

        assertThat(r.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(r.events()).isEmpty();
        assertThat(r.message()).isEqualTo("No matching AWS Health event is open for ECS, ELASTICLOADBALANCING in "
                + "eu-west-1, global.");
        var filter = active.server().requests("DescribeEvents").get(0).json().path("filter");
        assertThat(filter.path("regions").toString()).isEqualTo("[\"eu-west-1\",\"global\"]");
        assertThat(filter.path("eventStatusCodes").toString()).isEqualTo("[\"open\"]");
        assertThat(filter.path("eventTypeCategories").toString()).isEqualTo("[\"issue\"]");
        assertThat(active.server().requests("DescribeEvents").get(0).signedRegion()).isEqualTo("us-east-1");
    }

    @Test
    void anOpenIssueInAnotherRegionPasses() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "ap-south-1", "PUBLIC", "open");

        assertThat(run(ecsAndElb()).verdict()).isEqualTo(GateVerdict.PASSED);
    }

    @Test
    void anOpenIssueInTheTargetServiceAndRegionFailsWithATable() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open")
                .description("Increased API error rates\nWe are investigating.")
                .entities("arn:aws:ecs:eu-west-1:123456789012:service/prod/web");

        HealthGateResult r = run(ecsAndElb());

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.message()).isEqualTo("1 matching AWS Health event(s) affect ECS, ELASTICLOADBALANCING in "
                + "eu-west-1, global: AWS_ECS_OPERATIONAL_ISSUE (eu-west-1).");
        HealthEvent e = r.events().get(0);
        assertThat(e.latestDescription()).isEqualTo("Increased API error rates");
        assertThat(e.affectedEntities()).isEqualTo(1);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("SERVICE").contains("EVENT TYPE"))
                .anySatisfy(l -> assertThat(l).contains("AWS_ECS_OPERATIONAL_ISSUE").contains("public")
                        .contains("Increased API error rates"));
        assertThat(r.toMap()).containsEntry("verdict", "FAILED").containsEntry("eventCount", 1);
    }

    @Test
    void onEventUnstableMarksUnstableInsteadOfFailing() {
        active.event("ELASTICLOADBALANCING", "AWS_ELASTICLOADBALANCING_API_ISSUE", "global", "PUBLIC", "open");

        HealthGateResult r = run(ecsAndElb().onEvent(OnEvent.UNSTABLE));

        assertThat(r.verdict()).isEqualTo(GateVerdict.UNSTABLE);
        assertThat(r.events()).extracting(HealthEvent::region).containsExactly("global");
    }

    @Test
    void scopeTellsAccountSpecificFromPublicEvents() {
        active.event("ECS", "AWS_ECS_TASK_PATCHING_RETIREMENT", "eu-west-1", "ACCOUNT_SPECIFIC", "open");
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThat(run(ecsAndElb().scope(Scope.ACCOUNT)).events()).extracting(HealthEvent::eventTypeCode)
                .containsExactly("AWS_ECS_TASK_PATCHING_RETIREMENT");
        assertThat(run(ecsAndElb().scope(Scope.PUBLIC)).events()).extracting(HealthEvent::eventTypeCode)
                .containsExactly("AWS_ECS_OPERATIONAL_ISSUE");
        assertThat(run(ecsAndElb()).events()).hasSize(2);
    }

    @Test
    void ignoredAndOnlyEventTypesWithWildcards() {
        active.event("ECS", "AWS_ECS_TASK_PATCHING_RETIREMENT", "eu-west-1", "ACCOUNT_SPECIFIC", "open");
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThat(run(ecsAndElb().ignoreEventTypes(List.of("aws_ecs_*_issue"))).events())
                .extracting(HealthEvent::eventTypeCode).containsExactly("AWS_ECS_TASK_PATCHING_RETIREMENT");
        assertThat(run(ecsAndElb().onlyEventTypes(List.of("*OPERATIONAL*"))).events())
                .extracting(HealthEvent::eventTypeCode).containsExactly("AWS_ECS_OPERATIONAL_ISSUE");
        assertThat(run(ecsAndElb().ignoreEventTypes(List.of("AWS_ECS_*"))).verdict()).isEqualTo(GateVerdict.PASSED);
    }

    @Test
    void entityArnsNarrowToEventsThatAffectThoseResources() {
        String mine = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "ACCOUNT_SPECIFIC", "open")
                .entities("arn:aws:ecs:eu-west-1:123456789012:service/prod/other");

        assertThat(run(ecsAndElb().entityArns(List.of(mine))).verdict()).isEqualTo(GateVerdict.PASSED);
    }

    @Test
    void upcomingScheduledChangesCountOnlyWithinTheWindow() {
        active.event("EC2", "AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED", "scheduledChange", "eu-west-1",
                "ACCOUNT_SPECIFIC", "upcoming", NOW.plus(Duration.ofHours(3)));
        active.event("EC2", "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "eu-west-1",
                "ACCOUNT_SPECIFIC", "upcoming", NOW.plus(Duration.ofDays(5)));
        HealthGateRequest.Builder request = HealthGateRequest.builder().services(List.of("EC2"))
                .eventTypeCategories(List.of("scheduledChange")).statuses(List.of("open", "upcoming"))
                .upcomingWithin(Duration.ofHours(6));

        assertThat(run(request).events()).extracting(HealthEvent::eventTypeCode)
                .containsExactly("AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED");
    }

    @Test
    void everyPageOfEventsIsRead() {
        active.pageSize(2);
        for (int i = 0; i < 5; i++) {
            active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
        }

        HealthGateResult r = run(ecsAndElb());

        assertThat(r.events()).hasSize(5);
        assertThat(active.server().count("DescribeEvents")).isEqualTo(3);
        assertThat(active.server().count("DescribeEventDetails")).as("10 events per details call").isEqualTo(1);
    }

    @Test
    void waitModeHoldsUntilTheEventClosesThenPasses() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open").closeAfterChecks(3);

        HealthGateResult r = run(ecsAndElb().onEvent(OnEvent.WAIT).pollInterval(Duration.ofMinutes(1)));

        assertThat(r.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(r.checks()).isEqualTo(4);
        assertThat(clock.instant()).isAfter(NOW.plus(Duration.ofMinutes(2)));
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("Holding the deploy: 1 matching event(s) open"));
        assertThat(log.stream().filter(l -> l.startsWith("Holding the deploy"))).as("said once, not every poll")
                .hasSize(1);
    }

    @Test
    void waitModeFailsAtTheTimeoutWhileTheEventStaysOpen() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        HealthGateResult r = run(ecsAndElb().onEvent(OnEvent.WAIT).timeout(Duration.ofMinutes(30)));

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.message()).startsWith("Matching AWS Health events were still open after 30m");
        assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
    }

    @ParameterizedTest
    @CsvSource({"FAIL, FAILED, fails.", "UNSTABLE, UNSTABLE, marks the build unstable.",
        "PASS, PASSED, passes without checking."})
    void accountWithoutSupportPlanFollowsOnUnavailable(OnUnavailable onUnavailable, GateVerdict verdict, String end) {
        active.subscriptionRequired(true);

        HealthGateResult r = run(ecsAndElb().onUnavailable(onUnavailable));

        assertThat(r.verdict()).isEqualTo(verdict);
        assertThat(r.unavailable()).isTrue();
        assertThat(r.message()).contains("Business, Enterprise On-Ramp or Enterprise support plan")
                .endsWith(end);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING: AWS Health cannot be checked"));
        assertThat(passive.server().requests()).as("a 4xx is not a reason to fail over").isEmpty();
    }

    @Test
    void activeEndpointDownFailsOverToThePassiveOneAndSaysSo() {
        active.server().down(true);
        passive.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        HealthGateResult r = run(ecsAndElb());

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.failedOver()).isTrue();
        assertThat(r.endpointRegion()).isEqualTo("us-east-2");
        assertThat(log).anySatisfy(l -> assertThat(l).isEqualTo("WARNING: The AWS Health endpoint in us-east-1 "
                + "failed (answered HTTP 503 ServiceUnavailable); the passive endpoint in us-east-2 answered."));
        assertThat(passive.server().requests("DescribeEvents").get(0).signedRegion()).isEqualTo("us-east-2");
    }

    @Test
    void throttlingInWaitModeSlowsDownInsteadOfFailing() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open").closeAfterChecks(1);
        active.server().failNext("DescribeEvents", 3, FakeError.throttling("ThrottlingException"));

        HealthGateResult r = run(ecsAndElb().onEvent(OnEvent.WAIT));

        assertThat(r.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(active.server().count("DescribeEvents")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void accessDeniedIsAnErrorNamingTheAction() {
        active.server().failNext("DescribeEvents", 1, FakeError.accessDenied("health:DescribeEvents"));

        assertThatThrownBy(() -> run(ecsAndElb())).isInstanceOf(StageException.class)
                .hasMessageStartingWith("AWS denied health:DescribeEvents");
    }

    @Test
    void organizationViewListsAffectedAccountsAndNarrowsToAccountIds() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "ACCOUNT_SPECIFIC", "open")
                .accounts("111111111111", "222222222222").description("Tasks fail to start");
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "ACCOUNT_SPECIFIC", "open")
                .accounts("333333333333");

        HealthGateResult all = run(ecsAndElb().organization(true));
        HealthGateResult one = run(ecsAndElb().organization(true).accountIds(List.of("222222222222")));

        assertThat(all.events()).hasSize(2);
        assertThat(one.events()).singleElement().satisfies(e -> {
            assertThat(e.accountIds()).containsExactly("111111111111", "222222222222");
            assertThat(e.latestDescription()).isEqualTo("Tasks fail to start");
        });
        assertThat(active.server().requests("DescribeEventsForOrganization")).isNotEmpty();
        assertThat(active.server().requests("DescribeEvents")).isEmpty();
    }

    @Test
    void invalidParametersAreClearErrors() {
        assertThatThrownBy(() -> HealthGateRequest.builder().statuses(List.of("opened")).build())
                .isInstanceOf(StageException.class).hasMessage("statuses 'opened' is not an AWS Health event status.");
        assertThatThrownBy(() -> HealthGateRequest.builder().accountIds(List.of("123456789012")).build())
                .hasMessageContaining("without organization: true");
        assertThatThrownBy(() -> HealthGateRequest.onEvent("retry")).hasMessageContaining("onEvent")
                .satisfies(e -> assertThat(((StageException) e).hint()).contains("[fail, unstable, wait]"));
        assertThat(HealthGateRequest.builder().eventTypeCategories(List.of("SCHEDULEDCHANGE")).build()
                .eventTypeCategories()).containsExactly("scheduledChange");
    }

    // ---- issue 15: gates that never fail open ----

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "regions          | mars-1",
        "regions          | eu-wset-1",
        "entityArns       | not-an-arn",
        "entityArns       | arn:awz:ecs:eu-west-1:123456789012:service/prod/web",
        "services         | ec2!",
        "services         | E",
        "onlyEventTypes   | AWS EC2 ISSUE",
        "ignoreEventTypes | *",
        "ignoreEventTypes | **"})
    void invalidFiltersAreRefusedBeforeAnyCall(String field, String value) {
        HealthGateRequest.Builder b = HealthGateRequest.builder();
        switch (field) {
            case "regions" -> b.regions(List.of(value));
            case "entityArns" -> b.entityArns(List.of(value));
            case "services" -> b.services(List.of(value));
            case "onlyEventTypes" -> b.onlyEventTypes(List.of(value));
            default -> b.ignoreEventTypes(List.of(value));
        }
        active.event("EC2", "AWS_EC2_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        assertThatThrownBy(() -> run(b)).isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).kind()).isEqualTo(StageException.Kind.INVALID_INPUT))
                .hasMessageStartingWith(field + " '" + value + "'");
        assertThat(active.server().requests()).isEmpty();
    }

    @Test
    void regionsAndResourcesOfAnotherPartitionAreRefused() {
        assertThatThrownBy(() -> run(HealthGateRequest.builder().regions(List.of("cn-north-1"))))
                .hasMessageStartingWith("regions 'cn-north-1' is in partition aws-cn");
        assertThatThrownBy(() -> run(HealthGateRequest.builder()
                .entityArns(List.of("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/prod/web"))))
                .hasMessageStartingWith("entityArns 'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/prod/web'"
                        + " is in partition aws-us-gov");
        assertThat(active.server().requests()).isEmpty();
        assertThat(HealthGateRequest.builder().regions(List.of("EU-WEST-1", "Global")).build().regions())
                .containsExactly("eu-west-1", "global");
    }

    @Test
    void zeroOrNegativeTimeoutIsInvalid() {
        assertThatThrownBy(() -> HealthGateRequest.builder().timeout(Duration.ZERO).build())
                .hasMessage("timeout 0s is not positive.");
        assertThatThrownBy(() -> HealthGateRequest.builder().timeout(Duration.ofSeconds(-5)).build())
                .hasMessage("timeout -5s is not positive.");
    }

    @ParameterizedTest
    @CsvSource({"DescribeEntityAggregates, health:DescribeEntityAggregates",
        "DescribeEventDetails, health:DescribeEventDetails"})
    void aFailingEnrichmentCallIsAWarningNotAChangedVerdict(String operation, String action) {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open").description("Errors");
        active.server().failNext(operation, 1, FakeError.accessDenied(action));

        HealthGateResult r = run(ecsAndElb());

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.events()).extracting(HealthEvent::eventTypeCode).containsExactly("AWS_ECS_OPERATIONAL_ISSUE");
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w).contains("(" + action + ")")
                .contains("AWS denied " + action).endsWith("The verdict does not depend on it."));
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING: Could not read").contains(action));
        assertThat(r.toMap().get("warnings")).isEqualTo(r.warnings());
    }

    @Test
    void anEndpointWithoutEntityAggregatesStillFailsTheGate() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
        active.server().failNext("DescribeEntityAggregates", 1,
                new FakeError(400, "UnknownOperationException", "Unknown operation"));

        HealthGateResult r = run(ecsAndElb());

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.message()).isEqualTo("1 matching AWS Health event(s) affect ECS, ELASTICLOADBALANCING in "
                + "eu-west-1, global: AWS_ECS_OPERATIONAL_ISSUE (eu-west-1).");
        assertThat(r.events().get(0).affectedEntities()).isZero();
    }

    @Test
    void organizationEventStillCountsWhenItsAffectedAccountsCannotBeRead() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "ACCOUNT_SPECIFIC", "open")
                .accounts("222222222222");
        active.server().failNext("DescribeAffectedAccountsForOrganization", 1,
                FakeError.accessDenied("health:DescribeAffectedAccountsForOrganization"));

        HealthGateResult r = run(ecsAndElb().organization(true).accountIds(List.of("222222222222")));

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.warnings()).singleElement().asString().contains("health:DescribeAffectedAccountsForOrganization");
    }

    @Test
    void waitTimeoutResultListsTheEventsItsMessageCounts() {
        active.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        HealthGateResult r = run(ecsAndElb().onEvent(OnEvent.WAIT).timeout(Duration.ofMinutes(15)));

        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.message()).contains("1 matching event(s) open: AWS_ECS_OPERATIONAL_ISSUE (eu-west-1)");
        assertThat(r.events()).extracting(HealthEvent::eventTypeCode).containsExactly("AWS_ECS_OPERATIONAL_ISSUE");
        assertThat(r.toMap()).containsEntry("eventCount", 1);
    }

    @Test
    void apiCallsCountEveryHttpRequestRetriesAndFailoverIncluded() {
        active.server().down(true);
        passive.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");
        passive.server().failNext("DescribeEvents", 1, FakeError.throttling("ThrottlingException"));

        HealthGateResult r = run(ecsAndElb());

        long sent = active.server().requests().size() + passive.server().requests().size();
        assertThat(active.server().requests().size()).as("the SDK retried the 503s").isGreaterThan(1);
        assertThat(r.apiCalls()).isEqualTo(sent);
        assertThat(r.apiCallsByOperation().get("DescribeEvents"))
                .isEqualTo(active.server().count("DescribeEvents") + passive.server().count("DescribeEvents"));
    }

    // ---- failover against two local endpoints, built the way the stages build them ----

    enum Failure { HTTP_503, DROPPED_CONNECTION, HANG }

    private static void fail(FakeHealth endpoint, Failure failure) {
        switch (failure) {
            case HTTP_503 -> endpoint.server().down(true);
            case DROPPED_CONNECTION -> endpoint.server().dropConnections(true);
            case HANG -> endpoint.server().hang(true);
        }
    }

    private HealthGateResult runAgainstPartitionEndpoints(HealthGateRequest.Builder request) {
        // As the CLI's --endpoint-url and --passive-endpoint-url do: the active endpoint is the settings' endpoint.
        HealthEndpoints endpoints = HealthEndpoints.forPartition(activeFactory, passive.server().endpoint());
        HealthGate gate = new HealthGate(request.build(), "eu-west-1", endpoints, counter, clock,
                StageLog.to(log::add));
        return gate.runBlocking(new BlockingWaiter(new WaitEngine(gate.waitPolicy(), new Random(1)), clock,
                clock::advance));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Failure.class)
    void aFailingActiveEndpointFailsOverToThePassiveOneWithin15Seconds(Failure failure) {
        fail(active, failure);
        passive.event("ECS", "AWS_ECS_OPERATIONAL_ISSUE", "eu-west-1", "PUBLIC", "open");

        long started = System.nanoTime();
        HealthGateResult r = runAgainstPartitionEndpoints(ecsAndElb());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("one check with a failover").isLessThan(Duration.ofSeconds(15));
        assertThat(r.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(r.failedOver()).isTrue();
        assertThat(r.endpointRegion()).isEqualTo("us-east-2");
        assertThat(passive.server().requests("DescribeEvents").get(0).signedRegion()).isEqualTo("us-east-2");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING: The AWS Health endpoint in us-east-1 "
                + "failed (" + switch (failure) {
                    case HTTP_503 -> "answered HTTP 503 ServiceUnavailable";
                    case DROPPED_CONNECTION -> "dropped the connection without an answer";
                    case HANG -> "did not answer within 6s";
                } + "); the passive endpoint in us-east-2 answered."));
    }

    @Test
    void whenBothEndpointsFailTheErrorSaysSoAndNamesBoth() {
        fail(active, Failure.DROPPED_CONNECTION);
        fail(passive, Failure.HTTP_503);

        assertThatThrownBy(() -> runAgainstPartitionEndpoints(ecsAndElb())).isInstanceOf(StageException.class)
                .satisfies(e -> assertThat(((StageException) e).kind()).isEqualTo(StageException.Kind.AWS))
                .hasMessage("Both AWS Health endpoints failed for health:DescribeEvents: the active endpoint in "
                        + "us-east-1 (" + active.server().endpoint() + ") dropped the connection without an answer; "
                        + "the passive endpoint in us-east-2 (" + passive.server().endpoint() + ") answered HTTP 503 "
                        + "ServiceUnavailable.");
    }

    @Test
    void withoutOverridesTheEndpointsAreThePartitionsOwn() {
        try (AwsClientFactory factory = new AwsClientFactory(io.jenkins.plugins.awsdelivery.core.aws.AwsSettings.of(
                io.jenkins.plugins.awsdelivery.core.aws.AwsSettings.Layer.EMPTY.withRegion("cn-northwest-1")))) {
            HealthEndpoints endpoints = HealthEndpoints.forPartition(factory, null);
            assertThat(endpoints.answeringRegion()).isEqualTo("cn-north-1");
        }
    }
}
