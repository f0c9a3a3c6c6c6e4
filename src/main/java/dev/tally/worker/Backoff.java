package dev.tally.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half of the exponential step is fixed, the other half
 * random, so retries of many jobs that failed together spread out but never come back early.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** The wait after the attempt numbered {@code attempt} (1-based) failed. */
    Duration after(int attempt) {
        long base = initial.toMillis();
        long cap = max.toMillis();
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long step = base > cap >> doublings ? cap : Math.min(cap, base << doublings);
        long half = step / 2;
        long jitter = half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1);
        return Duration.ofMillis(step - half + jitter);
    }
}
