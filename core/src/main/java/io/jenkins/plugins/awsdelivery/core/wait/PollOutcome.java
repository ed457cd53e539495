package io.jenkins.plugins.awsdelivery.core.wait;

import java.util.Objects;

/**
 * What one poll of a waiting stage found: the wait is done, has failed, or must go on.
 *
 * @param <T> what the stage reports when the wait ends
 */
public sealed interface PollOutcome<T> {

    /** The awaited state was reached. */
    record Done<T>(T value) implements PollOutcome<T> {}

    /** The awaited state can no longer be reached; {@code reason} says why in the service's own words. */
    record Failed<T>(String reason, T value) implements PollOutcome<T> {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Not there yet.
     *
     * @param status a short description of where things stand, for the log and {@code getStatus()}
     * @param progressed something changed since the last poll: polling goes back to the short interval
     * @param throttled the service throttled the poll: polling slows down further
     */
    record KeepWaiting<T>(String status, boolean progressed, boolean throttled) implements PollOutcome<T> {}

    static <T> PollOutcome<T> done(T value) {
        return new Done<>(value);
    }

    static <T> PollOutcome<T> failed(String reason, T value) {
        return new Failed<>(reason, value);
    }

    static <T> PollOutcome<T> waiting(String status) {
        return new KeepWaiting<>(status, false, false);
    }

    static <T> PollOutcome<T> progressed(String status) {
        return new KeepWaiting<>(status, true, false);
    }

    static <T> PollOutcome<T> throttled(String status) {
        return new KeepWaiting<>(status, false, true);
    }
}
