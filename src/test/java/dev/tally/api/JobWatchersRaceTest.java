package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.job.Job;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Observers of one job come and go at once (a client's next long-poll parks while its previous
 * one is still being unregistered; a dashboard and a CLI watch the same job): every observer
 * registered is reached by the job's changes until it is removed.
 */
class JobWatchersRaceTest {

    private final JobWatchers watchers = new JobWatchers(null, new SimpleMeterRegistry());

    @Test
    void everyObserverRegisteredWhileAnotherLeavesIsReachedByChanges() throws Exception {
        UUID job = UUID.randomUUID();
        int rounds = 200_000;
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> unreached(job, rounds, start));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> unreached(job, rounds, start));

        assertThat(first.get(60, TimeUnit.SECONDS) + second.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(watchers.parked(job)).isZero();
    }

    /** Registers and removes an observer {@code rounds} times; counts those no change would reach. */
    private int unreached(UUID job, int rounds, CyclicBarrier start) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int unreached = 0;
        for (int i = 0; i < rounds; i++) {
            Consumer<Optional<Job>> observer = new Consumer<>() { // one of its own: lambdas may be shared
                @Override
                public void accept(Optional<Job> changed) {
                }
            };
            Runnable leave = watchers.watch(job, observer);
            if (!watchers.reaches(job, observer)) {
                unreached++;
            }
            leave.run();
        }
        return unreached;
    }
}
