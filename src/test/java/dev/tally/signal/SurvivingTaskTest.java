package dev.tally.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's background work outlives an {@link Error} in one of its runs: a heartbeat or a relay
 * that ended for good would leave the node answering its probes while its leases lapse or its
 * queued jobs wait forever.
 */
class SurvivingTaskTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void scheduledTaskRunsAgainAfterAnOutOfMemoryError() throws InterruptedException {
        var runs = new AtomicInteger();
        var threeRuns = new CountDownLatch(3);
        scheduler.scheduleWithFixedDelay(SurvivingTask.of("heartbeat", () -> {
            threeRuns.countDown();
            if (runs.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space");
            }
        }), 0, 10, TimeUnit.MILLISECONDS);

        assertThat(threeRuns.await(10, TimeUnit.SECONDS)).as("runs after the failing one").isTrue();
    }

    @Test
    void scheduledTaskRunsAgainAfterAnUnexpectedException() throws InterruptedException {
        var twoRuns = new CountDownLatch(2);
        scheduler.scheduleWithFixedDelay(SurvivingTask.of("recheck", () -> {
            twoRuns.countDown();
            throw new IllegalStateException("the response has already been committed");
        }), 0, 10, TimeUnit.MILLISECONDS);

        assertThat(twoRuns.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void loopStartsAgainAfterAnError() throws InterruptedException {
        var starts = new AtomicInteger();
        Runnable loop = SurvivingTask.restartingLoop("relay", () -> true, () -> {
            if (starts.incrementAndGet() == 1) {
                throw new StackOverflowError();
            }
            // the second start runs until its component stops: here, at once
        }, Duration.ofMillis(10));

        Thread thread = new Thread(loop);
        thread.start();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(starts).hasValue(2);
    }

    @Test
    void loopThatEndsIsNotStartedAgain() throws InterruptedException {
        var starts = new AtomicInteger();
        Thread thread = new Thread(SurvivingTask.restartingLoop("listener", () -> true, starts::incrementAndGet,
                Duration.ofMillis(10)));
        thread.start();
        thread.join(10_000);

        assertThat(starts).hasValue(1);
    }

    @Test
    void loopThatFailsWhileStoppingIsNotStartedAgain() throws InterruptedException {
        var running = new AtomicBoolean(true);
        var starts = new AtomicInteger();
        Thread thread = new Thread(SurvivingTask.restartingLoop("announcer", running::get, () -> {
            starts.incrementAndGet();
            running.set(false);
            throw new IllegalStateException("pool closed");
        }, Duration.ofMillis(10)));
        thread.start();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(starts).hasValue(1);
    }

    @Test
    void interruptDuringThePauseEndsTheLoop() throws InterruptedException {
        var failed = new CountDownLatch(1);
        Thread thread = new Thread(SurvivingTask.restartingLoop("pump", () -> true, () -> {
            failed.countDown();
            throw new OutOfMemoryError("Java heap space");
        }, Duration.ofMinutes(5)));
        thread.start();
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();

        thread.interrupt();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
    }
}
