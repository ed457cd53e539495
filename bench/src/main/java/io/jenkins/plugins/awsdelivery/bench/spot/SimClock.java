package io.jenkins.plugins.awsdelivery.bench.spot;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Simulated time in whole seconds from the start of the week. */
final class SimClock extends Clock {

    static final Instant EPOCH = Instant.parse("2026-11-30T00:00:00Z");

    private long second;

    long now() {
        return second;
    }

    void set(long second) {
        this.second = second;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return EPOCH.plusSeconds(second);
    }
}
