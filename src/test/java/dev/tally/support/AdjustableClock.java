package dev.tally.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The real time in UTC, set off from it by as much as a test says (a host clock that is wrong). */
public final class AdjustableClock extends Clock {

    private volatile Duration off = Duration.ZERO;

    /** From now on, {@code off} away from the real time (negative: behind). */
    public void setOff(Duration off) {
        this.off = off;
    }

    /** Moves the clock on by {@code duration}, as if that much more time had passed. */
    public void advance(Duration duration) {
        off = off.plus(duration);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(off);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("an adjustable clock is UTC");
    }
}
