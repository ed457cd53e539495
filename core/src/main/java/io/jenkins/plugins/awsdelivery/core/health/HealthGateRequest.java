package io.jenkins.plugins.awsdelivery.core.health;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.Partition;
import io.jenkins.plugins.awsdelivery.core.aws.ResourceArn;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the AWS Health gate checks and how it acts.
 *
 * @param services Health service codes (EC2, ECS, ELASTICLOADBALANCING); empty means every service
 * @param regions regions whose events count; {@code global} for global events; empty means every region
 * @param eventTypeCategories {@code issue}, {@code scheduledChange}, {@code accountNotification}, {@code investigation}
 * @param statuses {@code open}, {@code upcoming} (counted when it starts within {@code upcomingWithin}), {@code closed}
 * @param upcomingWithin how soon an upcoming event must start to count
 * @param entityArns when not empty, only events that affect one of these resources
 * @param scope account-specific events, public events, or both
 * @param ignoreEventTypes event type codes to leave out; {@code *} is a wildcard
 * @param onlyEventTypes when not empty, only these event type codes count; {@code *} is a wildcard
 * @param organization use the organizational view (AWS Organizations management or delegated admin account)
 * @param accountIds with {@code organization}, only events of these accounts
 * @param onEvent what to do while a matching event is open
 * @param onUnavailable what to do when the account cannot use the Health API (no support plan)
 * @param timeout how long {@link OnEvent#WAIT} waits
 * @param pollInterval how often {@link OnEvent#WAIT} checks again (the first interval; backs off to 5 ×)
 */
public record HealthGateRequest(List<String> services, List<String> regions, List<String> eventTypeCategories,
                                List<String> statuses, Duration upcomingWithin, List<String> entityArns, Scope scope,
                                List<String> ignoreEventTypes, List<String> onlyEventTypes, boolean organization,
                                List<String> accountIds, OnEvent onEvent, OnUnavailable onUnavailable,
                                Duration timeout, Duration pollInterval) implements java.io.Serializable {

    /** Which events count by their scope. */
    public enum Scope { ACCOUNT, PUBLIC, BOTH }

    /** What a matching open event does to the build. */
    public enum OnEvent { FAIL, UNSTABLE, WAIT }

    /** What an account without access to the Health API does to the build. */
    public enum OnUnavailable { FAIL, UNSTABLE, PASS }

    public static final List<String> DEFAULT_CATEGORIES = List.of("issue");
    public static final List<String> DEFAULT_STATUSES = List.of("open");
    public static final Duration DEFAULT_UPCOMING_WITHIN = Duration.ofHours(24);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

    private static final List<String> CATEGORIES = List.of("issue", "scheduledchange", "accountnotification",
            "investigation");
    /** The value of {@code regions} for global events (IAM, Route 53, CloudFront...). */
    public static final String GLOBAL = "global";

    /** AWS Health's service codes: EC2, ELASTICLOADBALANCING, CLOUDWATCH... */
    private static final Pattern SERVICE_CODE = Pattern.compile("[A-Z0-9_]{2,30}");
    /** Event type codes (AWS_EC2_OPERATIONAL_ISSUE), here with {@code *} wildcards. */
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Z0-9_*]{1,100}");

    private static final List<String> STATUSES = List.of("open", "upcoming", "closed");

    public HealthGateRequest {
        for (String s : clean(services)) {
            if (!SERVICE_CODE.matcher(s.toUpperCase(Locale.ROOT)).matches()) {
                throw StageException.invalidInput("services '" + s + "' is not an AWS Health service code.",
                        "Use codes such as EC2, ECS or ELASTICLOADBALANCING: 2 to 30 letters, digits or underscores "
                                + "(the aws health describe-event-types command lists them).");
            }
        }
        services = upper(services);
        regions = clean(regions).stream().map(r -> GLOBAL.equalsIgnoreCase(r) ? GLOBAL
                : Partition.requireKnownRegion("regions", r)).distinct().toList();
        eventTypeCategories = clean(eventTypeCategories).isEmpty() ? DEFAULT_CATEGORIES : canonicalCategories(
                clean(eventTypeCategories));
        statuses = clean(statuses).isEmpty() ? DEFAULT_STATUSES : lower(statuses);
        for (String s : statuses) {
            if (!STATUSES.contains(s)) {
                throw StageException.invalidInput("statuses '" + s + "' is not an AWS Health event status.",
                        "Use open, upcoming or closed.");
            }
        }
        upcomingWithin = upcomingWithin == null ? DEFAULT_UPCOMING_WITHIN : upcomingWithin;
        if (upcomingWithin.isNegative() || upcomingWithin.isZero()) {
            throw StageException.invalidInput("upcomingWithin " + upcomingWithin.toSeconds() + "s is not positive.",
                    "Give a duration such as 24h.");
        }
        entityArns = clean(entityArns);
        entityArns.forEach(a -> ResourceArn.parse("entityArns", a));
        scope = scope == null ? Scope.BOTH : scope;
        ignoreEventTypes = eventTypes("ignoreEventTypes", ignoreEventTypes);
        for (String p : ignoreEventTypes) {
            if (p.chars().allMatch(c -> c == '*')) {
                throw StageException.invalidInput("ignoreEventTypes '" + p + "' ignores every event: the gate "
                        + "could never stop a deploy.", "Name the event types to ignore, such as AWS_EC2_*_SCHEDULED.");
            }
        }
        onlyEventTypes = eventTypes("onlyEventTypes", onlyEventTypes);
        accountIds = clean(accountIds);
        for (String a : accountIds) {
            if (!a.matches("\\d{12}")) {
                throw StageException.invalidInput("accountIds '" + a + "' is not an AWS account ID.", "Use 12 digits.");
            }
        }
        if (!accountIds.isEmpty() && !organization) {
            throw StageException.invalidInput("accountIds was given without organization: true.",
                    "Set organization: true to check member accounts, or remove accountIds.");
        }
        onEvent = onEvent == null ? OnEvent.FAIL : onEvent;
        onUnavailable = onUnavailable == null ? OnUnavailable.FAIL : onUnavailable;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw StageException.invalidInput("timeout " + timeout.toSeconds() + "s is not positive.",
                    "Give how long onEvent: wait may hold the deploy, such as 30m.");
        }
        pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
        if (pollInterval.compareTo(Duration.ofSeconds(10)) < 0) {
            throw StageException.invalidInput("pollInterval " + pollInterval.toSeconds() + "s is too short.",
                    "Use 10 seconds or more: AWS Health events change over minutes.");
        }
    }

    /** The gate with every default: open issues in any service and region. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named-argument construction, since most parameters are optional. */
    public static final class Builder {
        private List<String> services = List.of();
        private List<String> regions = List.of();
        private List<String> categories = List.of();
        private List<String> statuses = List.of();
        private Duration upcomingWithin;
        private List<String> entityArns = List.of();
        private Scope scope;
        private List<String> ignore = List.of();
        private List<String> only = List.of();
        private boolean organization;
        private List<String> accountIds = List.of();
        private OnEvent onEvent;
        private OnUnavailable onUnavailable;
        private Duration timeout;
        private Duration pollInterval;

        public Builder services(List<String> v) { services = v; return this; }
        public Builder regions(List<String> v) { regions = v; return this; }
        public Builder eventTypeCategories(List<String> v) { categories = v; return this; }
        public Builder statuses(List<String> v) { statuses = v; return this; }
        public Builder upcomingWithin(Duration v) { upcomingWithin = v; return this; }
        public Builder entityArns(List<String> v) { entityArns = v; return this; }
        public Builder scope(Scope v) { scope = v; return this; }
        public Builder ignoreEventTypes(List<String> v) { ignore = v; return this; }
        public Builder onlyEventTypes(List<String> v) { only = v; return this; }
        public Builder organization(boolean v) { organization = v; return this; }
        public Builder accountIds(List<String> v) { accountIds = v; return this; }
        public Builder onEvent(OnEvent v) { onEvent = v; return this; }
        public Builder onUnavailable(OnUnavailable v) { onUnavailable = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }

        public HealthGateRequest build() {
            return new HealthGateRequest(services, regions, categories, statuses, upcomingWithin, entityArns, scope,
                    ignore, only, organization, accountIds, onEvent, onUnavailable, timeout, pollInterval);
        }
    }

    /** Polls at the request's interval, backing off to five times it while nothing changes. */
    public io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy waitPolicy() {
        return new io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy(pollInterval, pollInterval.multipliedBy(5), 1.5,
                0.2, null);
    }

    /** The regions to check: as given, or the build's region plus global events. */
    public List<String> regionsOr(String buildRegion) {
        return regions.isEmpty() ? List.of(buildRegion, GLOBAL) : regions;
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String parameter, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StageException.invalidInput("'" + value + "' is not a value of " + parameter + ".",
                    "Use one of " + java.util.Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ".");
        }
    }

    public static Scope scope(String value) {
        return parseEnum(Scope.class, "scope", value);
    }

    public static OnEvent onEvent(String value) {
        return parseEnum(OnEvent.class, "onEvent", value);
    }

    public static OnUnavailable onUnavailable(String value) {
        return parseEnum(OnUnavailable.class, "onUnavailable", value);
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of()
                : values.stream().filter(Objects::nonNull).map(String::trim).filter(s -> !s.isEmpty()).distinct()
                        .toList();
    }

    private static List<String> upper(List<String> values) {
        return clean(values).stream().map(s -> s.toUpperCase(Locale.ROOT)).distinct().toList();
    }

    private static List<String> eventTypes(String field, List<String> values) {
        for (String c : clean(values)) {
            String code = c.toUpperCase(Locale.ROOT);
            if (!EVENT_TYPE.matcher(code).matches() || !code.contains("*") && code.length() < 3) {
                throw StageException.invalidInput(field + " '" + c + "' is not an AWS Health event type code.",
                        "Use codes such as AWS_EC2_OPERATIONAL_ISSUE: letters, digits and underscores, with * as a "
                                + "wildcard (AWS_EC2_*).");
            }
        }
        return upper(values);
    }

    private static List<String> lower(List<String> values) {
        return clean(values).stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    private static List<String> canonicalCategories(List<String> values) {
        return values.stream().map(v -> {
            int i = CATEGORIES.indexOf(v.toLowerCase(Locale.ROOT));
            if (i < 0) {
                throw StageException.invalidInput("eventTypeCategories '" + v + "' is not an AWS Health event category.",
                        "Use issue, scheduledChange, accountNotification or investigation.");
            }
            return List.of("issue", "scheduledChange", "accountNotification", "investigation").get(i);
        }).distinct().toList();
    }
}
