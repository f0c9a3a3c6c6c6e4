package dev.tally.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock every job decision is made by (claims and their leases, retries and dispatch times,
 * the reconciler's view of abandoned work, webhook schedules, a job's timestamps): this host's
 * clock, moved by an offset when {@link StoreClockAlignment} finds it out of step with PostgreSQL's.
 * Nodes write these times into the store and compare them with times other nodes wrote, so they
 * must agree; the store's clock is the one they all can read.
 */
final class StoreClock extends Clock {

    private final Clock host;
    private final ZoneId zone;
    /** Added to the host's time, in nanoseconds; shared by the views {@link #withZone} makes. */
    private final AtomicLong offsetNanos;

    StoreClock(Clock host) {
        this(host, ZoneOffset.UTC, new AtomicLong());
    }

    private StoreClock(Clock host, ZoneId zone, AtomicLong offsetNanos) {
        this.host = host;
        this.zone = zone;
        this.offsetNanos = offsetNanos;
    }

    @Override
    public Instant instant() {
        long offset = offsetNanos.get();
        Instant now = host.instant();
        return offset == 0 ? now : now.plusNanos(offset);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new StoreClock(host, zone, offsetNanos);
    }

    /** This host's own time, which the store's is compared with. */
    Instant hostInstant() {
        return host.instant();
    }

    /** What is added to the host's time; zero while they are in step. */
    Duration offset() {
        return Duration.ofNanos(offsetNanos.get());
    }

    void offset(Duration offset) {
        offsetNanos.set(offset.toNanos());
    }
}
