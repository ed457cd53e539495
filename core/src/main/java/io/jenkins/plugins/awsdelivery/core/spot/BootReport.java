package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.Optional;

/**
 * What an instance's boot script says of its own boot when it asks for its secret: the seconds since its kernel
 * started when the script started ({@code uptimeAtStart}) and when it sent the request that got the secret
 * ({@code uptimeAtRequest}). Uptimes, not clock times, so the controller's and the instance's clocks need not
 * agree. Only the boot-time breakdown on the cloud's page uses them.
 */
public record BootReport(double uptimeAtStart, double uptimeAtRequest) {

    /** A boot script reports within the connect timeout's order of magnitude; anything beyond a day is not one. */
    static final double MAX_UPTIME_SECONDS = 86_400;

    /**
     * The report, or empty when either value is missing, not a plain non-negative number of seconds, over a day,
     * or when the request came before the script started (an older script, or a made-up value).
     */
    public static Optional<BootReport> parse(String uptimeAtStart, String uptimeAtRequest) {
        Optional<Double> start = seconds(uptimeAtStart);
        Optional<Double> request = seconds(uptimeAtRequest);
        if (start.isEmpty() || request.isEmpty() || request.get() < start.get()) {
            return Optional.empty();
        }
        return Optional.of(new BootReport(start.get(), request.get()));
    }

    private static Optional<Double> seconds(String value) {
        if (value == null || !value.strip().matches("[0-9]{1,6}(\\.[0-9]{1,3})?")) {
            return Optional.empty();
        }
        double v = Double.parseDouble(value.strip());
        return v <= MAX_UPTIME_SECONDS ? Optional.of(v) : Optional.empty();
    }
}
