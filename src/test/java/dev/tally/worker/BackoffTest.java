package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @RepeatedTest(20)
    void doublesEachAttemptWithJitterInTheUpperHalf() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long step = 1000L << (attempt - 1);
            assertThat(backoff.after(attempt).toMillis()).as("attempt %d", attempt).isBetween(step / 2, step);
        }
    }

    @Test
    void neverExceedsTheCapEvenAfterManyAttempts() {
        for (int attempt = 1; attempt <= 100; attempt++) {
            assertThat(backoff.after(attempt)).isLessThanOrEqualTo(Duration.ofMinutes(5));
        }
        assertThat(backoff.after(60)).isGreaterThanOrEqualTo(Duration.ofMinutes(5).dividedBy(2));
    }

    @Test
    void spreadsRetriesOfJobsThatFailedTogether() {
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> backoff.after(8).toMillis()).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }
}
