package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.ApiCallCounter;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.aws.ResourceArn;
import io.jenkins.plugins.awsdelivery.core.health.HealthGateRequest.OnEvent;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.health.HealthClient;
import software.amazon.awssdk.services.health.model.DescribeEventsForOrganizationRequest;
import software.amazon.awssdk.services.health.model.DescribeEventsRequest;
import software.amazon.awssdk.services.health.model.EntityAggregate;
import software.amazon.awssdk.services.health.model.Event;
import software.amazon.awssdk.services.health.model.EventAccountFilter;
import software.amazon.awssdk.services.health.model.EventDetails;
import software.amazon.awssdk.services.health.model.EventFilter;
import software.amazon.awssdk.services.health.model.OrganizationEvent;
import software.amazon.awssdk.services.health.model.OrganizationEventDetails;
import software.amazon.awssdk.services.health.model.OrganizationEventFilter;

/**
 * The AWS Health gate: asks AWS Health for the events that match the request and decides whether the deploy may go
 * on. {@link #pollOnce()} is one check; in {@link OnEvent#WAIT} mode the caller repeats it (the CLI with a blocking
 * loop, Jenkins on a timer) until no matching event is open or the deadline passes.
 */
public final class HealthGate {

    private static final String SUBSCRIPTION_REQUIRED = "SubscriptionRequiredException";
    private static final int DETAILS_BATCH = 10;
    private static final int AGGREGATES_BATCH = 10;
    private static final String SERVICE = "Health";

    private final HealthGateRequest request;
    private final String buildRegion;
    private final HealthEndpoints endpoints;
    private final ApiCallCounter counter;
    private final Clock clock;
    private final StageLog log;
    private final EventTypePattern ignore;
    private final EventTypePattern only;
    private int checks;
    private Set<String> lastSeen = Set.of();
    private List<HealthEvent> lastOpen = List.of();
    private List<String> warnings = new ArrayList<>();

    public HealthGate(HealthGateRequest request, String buildRegion, HealthEndpoints endpoints,
                      ApiCallCounter counter, Clock clock, StageLog log) {
        this.request = request;
        this.buildRegion = buildRegion;
        this.endpoints = endpoints;
        this.counter = counter;
        this.clock = clock;
        this.log = log;
        this.ignore = new EventTypePattern(request.ignoreEventTypes());
        this.only = new EventTypePattern(request.onlyEventTypes());
        requireSamePartition(request, buildRegion);
    }

    /**
     * AWS Health answers for the partition of its endpoint only: a region or resource of another partition would
     * match no event and let every deploy through.
     */
    private static void requireSamePartition(HealthGateRequest request, String buildRegion) {
        String partition = Partition.forRegion(buildRegion).id();
        for (String r : request.regions()) {
            if (!HealthGateRequest.GLOBAL.equals(r) && !Partition.partitionIdOf(r).equals(partition)) {
                throw StageException.invalidInput("regions '" + r + "' is in partition " + Partition.partitionIdOf(r)
                        + ", but the gate asks the AWS Health endpoint of partition " + partition + " (region "
                        + buildRegion + "), which has no events for it.",
                        "Run a separate gate with a region of partition " + Partition.partitionIdOf(r) + ".");
            }
        }
        for (String a : request.entityArns()) {
            ResourceArn arn = ResourceArn.parse("entityArns", a);
            if (!arn.partition().equals(partition)) {
                throw StageException.invalidInput("entityArns '" + a + "' is in partition " + arn.partition()
                        + ", but the gate asks the AWS Health endpoint of partition " + partition + " (region "
                        + buildRegion + ").", "Run a separate gate with a region of partition " + arn.partition()
                        + ".");
            }
        }
    }

    /** The wait this gate performs in {@link OnEvent#WAIT} mode. */
    public WaitState startWait() {
        return WaitState.start("AWS Health events for " + scopeDescription(), clock.instant(), request.timeout());
    }

    /** Polls at the request's interval, backing off to five times it while nothing changes. */
    public WaitPolicy waitPolicy() {
        return request.waitPolicy();
    }

    /**
     * One check. Done with the verdict unless the request waits and matching events are open; then keep waiting,
     * "progressed" when the set of open events changed.
     */
    public PollOutcome<HealthGateResult> pollOnce() {
        checks++;
        HealthGateResult result;
        try {
            result = check();
        } catch (StageException e) {
            if (AwsErrors.isThrottling(e.getCause())) {
                return PollOutcome.throttled("AWS Health throttled the check; trying again later");
            }
            throw e;
        }
        if (result.unavailable() || result.events().isEmpty() || request.onEvent() != OnEvent.WAIT) {
            return PollOutcome.done(result);
        }
        lastOpen = result.events();
        Set<String> arns = result.events().stream().map(HealthEvent::arn).collect(Collectors.toSet());
        boolean changed = !arns.equals(lastSeen);
        lastSeen = arns;
        String status = result.events().size() + " matching event(s) open: " + codes(result.events());
        if (changed) {
            log.info("Holding the deploy: %s. Checking again until no matching event is open (timeout %s).",
                    status, DurationText.format(request.timeout()));
            EventTable.render(result.events()).forEach(log::info);
        }
        return new PollOutcome.KeepWaiting<>(status, changed, false);
    }

    /** The verdict when {@link OnEvent#WAIT} ran out of time with events still open. */
    public HealthGateResult timedOut(WaitState state) {
        String why = "Matching AWS Health events were still open after " + DurationText.format(request.timeout())
                + " (" + (lastOpen.isEmpty() ? state.lastStatus() : lastOpen.size() + " matching event(s) open: "
                        + codes(lastOpen)) + ").";
        log.info(why);
        return result(GateVerdict.FAILED, why, lastOpen, false);
    }

    private HealthGateResult result(GateVerdict verdict, String why, List<HealthEvent> events, boolean unavailable) {
        return new HealthGateResult(verdict, why, events, unavailable, endpoints.answeringRegion(),
                endpoints.failedOver(), checks, counter.attemptsTo(SERVICE), counter.attemptsByOperation(SERVICE),
                warnings);
    }

    private HealthGateResult check() {
        endpoints.newCheck();
        warnings = new ArrayList<>();
        List<HealthEvent> events;
        try {
            events = request.organization() ? organizationEvents() : accountEvents();
        } catch (StageException e) {
            if (e.getCause() instanceof AwsServiceException ase && SUBSCRIPTION_REQUIRED.equals(AwsErrors.errorCode(ase))) {
                return unavailable();
            }
            throw e;
        }
        if (events.isEmpty()) {
            String why = "No matching AWS Health event is open for " + scopeDescription() + ".";
            log.info(why);
            return result(GateVerdict.PASSED, why, events, false);
        }
        String why = events.size() + " matching AWS Health event(s) affect " + scopeDescription() + ": "
                + codes(events) + ".";
        GateVerdict verdict = switch (request.onEvent()) {
            case UNSTABLE -> GateVerdict.UNSTABLE;
            case FAIL -> GateVerdict.FAILED;
            case WAIT -> GateVerdict.FAILED;
        };
        if (request.onEvent() != OnEvent.WAIT) {
            log.info(why);
            EventTable.render(events).forEach(log::info);
        }
        return result(verdict, why, events, false);
    }

    private HealthGateResult unavailable() {
        GateVerdict verdict = switch (request.onUnavailable()) {
            case FAIL -> GateVerdict.FAILED;
            case UNSTABLE -> GateVerdict.UNSTABLE;
            case PASS -> GateVerdict.PASSED;
        };
        String why = "AWS Health cannot be checked: this account has no Business, Enterprise On-Ramp or Enterprise "
                + "support plan, which the AWS Health API requires (SubscriptionRequiredException). onUnavailable is "
                + request.onUnavailable().name().toLowerCase(java.util.Locale.ROOT) + ", so the gate "
                + (verdict == GateVerdict.PASSED ? "passes without checking." : verdict == GateVerdict.UNSTABLE
                        ? "marks the build unstable." : "fails.");
        log.warn(why);
        return result(verdict, why, List.of(), true);
    }

    /**
     * Runs a call that only adds detail to events the gate already counts. Its failure (a policy without the
     * action, an endpoint without the operation, throttling) is a warning, never a changed verdict.
     */
    private <T> T enrichment(String action, String what, Function<HealthClient, T> call, T fallback) {
        try {
            return endpoints.call(action, call, log);
        } catch (StageException e) {
            String warning = "Could not read " + what + " (" + action + "): " + StageException.sentence(e.getMessage())
                    + " The verdict does not depend on it.";
            log.warn("%s", warning);
            warnings.add(warning);
            return fallback;
        }
    }

    private List<HealthEvent> accountEvents() {
        EventFilter.Builder filter = EventFilter.builder()
                .eventTypeCategoriesWithStrings(request.eventTypeCategories())
                .eventStatusCodesWithStrings(request.statuses())
                .regions(request.regionsOr(buildRegion));
        if (!request.services().isEmpty()) {
            filter.services(request.services());
        }
        if (!request.entityArns().isEmpty()) {
            filter.entityArns(request.entityArns());
        }
        DescribeEventsRequest describe = DescribeEventsRequest.builder().filter(filter.build()).maxResults(100).build();
        List<Event> found = endpoints.call("health:DescribeEvents",
                c -> c.describeEventsPaginator(describe).events().stream().toList(), log);
        List<Event> matching = found.stream()
                .filter(e -> counts(e.eventTypeCode(), e.eventScopeCodeAsString(), e.statusCodeAsString(),
                        e.startTime()))
                .toList();
        if (matching.isEmpty()) {
            return List.of();
        }
        List<String> arns = matching.stream().map(Event::arn).toList();
        Map<String, String> descriptions = new HashMap<>();
        for (List<String> batch : batches(arns, DETAILS_BATCH)) {
            enrichment("health:DescribeEventDetails", "event descriptions",
                    c -> c.describeEventDetails(r -> r.eventArns(batch)).successfulSet(), List.<EventDetails>of())
                    .forEach(d -> descriptions.put(d.event().arn(),
                            d.eventDescription() == null ? "" : d.eventDescription().latestDescription()));
        }
        Map<String, Long> entities = new HashMap<>();
        for (List<String> batch : batches(arns, AGGREGATES_BATCH)) {
            enrichment("health:DescribeEntityAggregates", "affected entity counts",
                    c -> c.describeEntityAggregates(r -> r.eventArns(batch)).entityAggregates(),
                    List.<EntityAggregate>of())
                    .forEach(a -> entities.put(a.eventArn(), (long) a.count()));
        }
        return matching.stream().map(e -> new HealthEvent(e.arn(), e.service(), e.region(), e.eventTypeCode(),
                e.eventTypeCategoryAsString(), e.statusCodeAsString(), e.eventScopeCodeAsString(), e.startTime(),
                e.lastUpdatedTime(), firstLine(descriptions.get(e.arn())), entities.getOrDefault(e.arn(), 0L),
                List.of())).toList();
    }

    private List<HealthEvent> organizationEvents() {
        OrganizationEventFilter.Builder filter = OrganizationEventFilter.builder()
                .eventTypeCategoriesWithStrings(request.eventTypeCategories())
                .eventStatusCodesWithStrings(request.statuses())
                .regions(request.regionsOr(buildRegion));
        if (!request.services().isEmpty()) {
            filter.services(request.services());
        }
        if (!request.entityArns().isEmpty()) {
            filter.entityArns(request.entityArns());
        }
        if (!request.accountIds().isEmpty()) {
            filter.awsAccountIds(request.accountIds());
        }
        DescribeEventsForOrganizationRequest describe = DescribeEventsForOrganizationRequest.builder()
                .filter(filter.build()).maxResults(100).build();
        List<OrganizationEvent> found = endpoints.call("health:DescribeEventsForOrganization",
                c -> c.describeEventsForOrganizationPaginator(describe).events().stream().toList(), log);
        List<HealthEvent> out = new ArrayList<>();
        for (OrganizationEvent e : found) {
            if (!counts(e.eventTypeCode(), e.eventScopeCodeAsString(), e.statusCodeAsString(), e.startTime())) {
                continue;
            }
            // Without the affected accounts the event still counts: the gate cannot tell it spares accountIds.
            List<String> accounts = "ACCOUNT_SPECIFIC".equals(e.eventScopeCodeAsString())
                    ? enrichment("health:DescribeAffectedAccountsForOrganization", "the accounts affected by "
                            + e.eventTypeCode(), c -> c.describeAffectedAccountsForOrganizationPaginator(
                                    r -> r.eventArn(e.arn())).affectedAccounts().stream().toList(), List.<String>of())
                    : List.of();
            if (!request.accountIds().isEmpty() && !accounts.isEmpty()
                    && accounts.stream().noneMatch(request.accountIds()::contains)) {
                continue;
            }
            EventAccountFilter.Builder detail = EventAccountFilter.builder().eventArn(e.arn());
            if (!accounts.isEmpty()) {
                detail.awsAccountId(accounts.get(0));
            }
            String description = enrichment("health:DescribeEventDetailsForOrganization", "event descriptions",
                    c -> c.describeEventDetailsForOrganization(r -> r.organizationEventDetailFilters(detail.build()))
                            .successfulSet(), List.<OrganizationEventDetails>of()).stream().findFirst()
                    .map(d -> d.eventDescription() == null ? "" : d.eventDescription().latestDescription())
                    .orElse("");
            out.add(new HealthEvent(e.arn(), e.service(), e.region(), e.eventTypeCode(),
                    e.eventTypeCategoryAsString(), e.statusCodeAsString(), e.eventScopeCodeAsString(),
                    e.startTime(), e.lastUpdatedTime(), firstLine(description), accounts.size(), accounts));
        }
        return out;
    }

    /** The filters AWS Health cannot apply itself: scope, event type patterns, the upcoming window. */
    private boolean counts(String eventTypeCode, String scopeCode, String status, Instant startTime) {
        boolean accountSpecific = "ACCOUNT_SPECIFIC".equals(scopeCode);
        if (request.scope() == HealthGateRequest.Scope.ACCOUNT && !accountSpecific
                || request.scope() == HealthGateRequest.Scope.PUBLIC && accountSpecific) {
            return false;
        }
        if (ignore.matches(eventTypeCode) || !only.isEmpty() && !only.matches(eventTypeCode)) {
            return false;
        }
        if ("upcoming".equals(status) && startTime != null) {
            return !startTime.isAfter(clock.instant().plus(request.upcomingWithin()));
        }
        return true;
    }

    private String scopeDescription() {
        String services = request.services().isEmpty() ? "all services" : String.join(", ", request.services());
        return services + " in " + String.join(", ", request.regionsOr(buildRegion));
    }

    private static String codes(List<HealthEvent> events) {
        return events.stream().map(e -> e.eventTypeCode() + " (" + e.region() + ")")
                .collect(Collectors.toCollection(LinkedHashSet::new)).stream().collect(Collectors.joining(", "));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    private static <T> List<List<T>> batches(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    /**
     * Runs the gate to its verdict in the calling thread: one check, or in {@link OnEvent#WAIT} mode checks until
     * no matching event is open or the timeout. For the CLI and freestyle builds; Pipeline polls on a timer instead.
     */
    public HealthGateResult runBlocking(io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter waiter) {
        var decision = waiter.await(startWait(), this::pollOnce, s -> { });
        return result(decision);
    }

    /** The result a finished wait stands for. */
    public HealthGateResult result(io.jenkins.plugins.awsdelivery.core.wait.WaitDecision<HealthGateResult> decision) {
        if (decision instanceof io.jenkins.plugins.awsdelivery.core.wait.WaitDecision.Finished<HealthGateResult> f
                && f.outcome() instanceof PollOutcome.Done<HealthGateResult> done) {
            return done.value();
        }
        return timedOut(decision.state());
    }

    /** How long the whole wait may take, for front ends that show it. */
    public Duration timeout() {
        return request.timeout();
    }
}
