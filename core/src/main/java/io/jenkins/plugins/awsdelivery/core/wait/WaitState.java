package io.jenkins.plugins.awsdelivery.core.wait;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a wait stands, small and serializable, so that a Jenkins step execution can persist it and resume the
 * same wait after a controller restart.
 *
 * @param subject what is awaited, for messages ("ECS deployment ecs-svc/123 of service api")
 * @param startedAt when the wait began
 * @param deadline when it gives up
 * @param attempt polls since the last progress; drives the backoff
 * @param throttleStreak consecutive throttled polls; drives the slow-down
 * @param polls polls made in all
 * @param lastStatus what the last poll said
 */
public record WaitState(String subject, Instant startedAt, Instant deadline, int attempt, int throttleStreak,
                        int polls, String lastStatus) implements Serializable {

    private static final long serialVersionUID = 1L;

    public WaitState {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(deadline, "deadline");
        lastStatus = lastStatus == null ? "" : lastStatus;
    }

    public static WaitState start(String subject, Instant now, Duration timeout) {
        return new WaitState(subject, now, now.plus(timeout), 0, 0, 0, "");
    }

    public Duration elapsed(Instant now) {
        return Duration.between(startedAt, now);
    }

    public Duration remaining(Instant now) {
        Duration d = Duration.between(now, deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The state after a poll that found the wait must go on. */
    WaitState afterPoll(PollOutcome.KeepWaiting<?> outcome) {
        int nextAttempt = outcome.progressed() ? 0 : attempt + 1;
        int nextThrottle = outcome.throttled() ? throttleStreak + 1 : 0;
        return new WaitState(subject, startedAt, deadline, nextAttempt, nextThrottle, polls + 1, outcome.status());
    }

    WaitState counted() {
        return new WaitState(subject, startedAt, deadline, attempt, throttleStreak, polls + 1, lastStatus);
    }
}
