package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.job.Redispatched;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The re-dispatch of jobs whose claim failed while the store was unreachable: retried with a
 * growing pause while the store still fails, remembered until it answers. The store is stood in
 * for by a function that fails a given number of times (StoreOutageAtClaimTest covers the real
 * path on a real store).
 */
class UnclaimedJobsTest {

    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMillis(400);

    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private final List<List<UUID>> dispatched = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    /** Answers in which a relay is still sending the jobs' dispatch. */
    private final AtomicInteger relayingLeft = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UnclaimedJobs unclaimed = new UnclaimedJobs(jobs -> {
        attempts.add(System.nanoTime());
        if (failuresLeft.getAndDecrement() > 0) {
            throw new IllegalStateException("store unreachable");
        }
        if (relayingLeft.getAndDecrement() > 0) {
            return new Redispatched(List.of(), List.copyOf(jobs));
        }
        dispatched.add(List.copyOf(jobs));
        return new Redispatched(List.copyOf(jobs), List.of());
    }, FIRST, MAX, meters);

    @AfterEach
    void stop() {
        unclaimed.stop();
    }

    @Test
    void dispatchesARememberedJobAgainAtOnceWhenTheStoreAnswers() {
        unclaimed.start();
        UUID job = UUID.randomUUID();

        assertThat(unclaimed.add(job)).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> unclaimed.size() == 0);
        assertThat(dispatched).containsExactly(List.of(job));
        assertThat(meters.get("tally.queue.unclaimed").gauge().value()).isZero();
    }

    @Test
    void keepsTheJobAndBacksOffWhileTheStoreStillFails() {
        failuresLeft.set(4);
        unclaimed.start();
        UUID job = UUID.randomUUID();
        unclaimed.add(job);

        await().atMost(Duration.ofSeconds(10)).until(() -> !dispatched.isEmpty());

        assertThat(attempts).hasSize(5);
        assertThat(dispatched).containsExactly(List.of(job));
        // Pauses after each failure: 100, 200, 400 ms, then capped at 400 ms.
        long[] minimumPausesMillis = {100, 200, 400, 400};
        for (int i = 0; i < minimumPausesMillis.length; i++) {
            long pauseMillis = (attempts.get(i + 1) - attempts.get(i)) / 1_000_000;
            assertThat(pauseMillis).as("pause after failure %d", i + 1).isGreaterThanOrEqualTo(minimumPausesMillis[i]);
        }
        assertThat(unclaimed.size()).isZero();
    }

    /** The relay's message may be the one the worker let go of: judged before the relay ended, the job was forgotten. */
    @Test
    void asksAgainAboutAJobWhoseDispatchARelayIsSending() {
        relayingLeft.set(2);
        unclaimed.start();
        UUID job = UUID.randomUUID();
        unclaimed.add(job);

        await().atMost(Duration.ofSeconds(5)).until(() -> !dispatched.isEmpty());

        assertThat(attempts).hasSize(3);
        assertThat(dispatched).containsExactly(List.of(job));
        assertThat(unclaimed.size()).isZero();
    }

    @Test
    void countsTheRememberedJobsWhileTheStoreIsDown() {
        failuresLeft.set(Integer.MAX_VALUE);
        unclaimed.start();

        unclaimed.add(UUID.randomUUID());
        unclaimed.add(UUID.randomUUID());

        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() >= 2);
        assertThat(unclaimed.size()).isEqualTo(2);
        assertThat(meters.get("tally.queue.unclaimed").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void refusesNewJobsBeyondItsCapacityAndLeavesThemToTheReconciler() {
        for (int i = 0; i < UnclaimedJobs.CAPACITY; i++) {
            assertThat(unclaimed.add(UUID.randomUUID())).isTrue();
        }

        assertThat(unclaimed.add(UUID.randomUUID())).isFalse();
        assertThat(unclaimed.size()).isEqualTo(UnclaimedJobs.CAPACITY);
    }
}
