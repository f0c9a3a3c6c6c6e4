package dev.tally.worker;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What the local pump says while its claims fail (the store unreachable, or taking no writes): a
 * warning at the first failure, then at most one a minute while they go on, and a line when a claim
 * works again. It warned at every attempt, once per poll interval: 4,095 identical lines in 68
 * minutes of a read-only PostgreSQL (seen). Used by the pump's thread only.
 */
final class ClaimFailureLog {

    private static final long REPEAT_NANOS = Duration.ofMinutes(1).toNanos();

    private final Logger log;
    private final Duration retryInterval;
    private final LongSupplier nanoTime;
    private long failures;
    private long firstFailure;
    private long lastWarning;

    ClaimFailureLog(Logger log, Duration retryInterval) {
        this(log, retryInterval, System::nanoTime);
    }

    ClaimFailureLog(Logger log, Duration retryInterval, LongSupplier nanoTime) {
        this.log = log;
        this.retryInterval = retryInterval;
        this.nanoTime = nanoTime;
    }

    void failed(RuntimeException e) {
        long now = nanoTime.getAsLong();
        if (failures++ == 0) {
            firstFailure = now;
            lastWarning = now;
            log.warn("could not claim jobs; trying again every {}: {}", retryInterval, e.getMessage());
        } else if (now - lastWarning >= REPEAT_NANOS) {
            lastWarning = now;
            log.warn("still cannot claim jobs ({} attempts in {} s): {}", failures, seconds(now - firstFailure), e.getMessage());
        }
    }

    void succeeded() {
        if (failures > 0) {
            log.info("claiming jobs again after {} failed attempt(s) in {} s", failures, seconds(nanoTime.getAsLong() - firstFailure));
            failures = 0;
        }
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }
}
