package dev.tally.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UninterruptedStopTest {

    /** The task under way finishes; one still queued would read a store being closed, and does not run. */
    @Test
    void finishesTheTaskUnderWayAndDropsThoseNotStarted() throws InterruptedException {
        ExecutorService readers = Executors.newFixedThreadPool(1);
        var started = new CountDownLatch(1);
        var finished = new AtomicBoolean();
        var interrupted = new AtomicBoolean();
        var queuedRan = new AtomicBoolean();
        readers.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(300);
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        readers.execute(() -> queuedRan.set(true));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        UninterruptedStop.of(readers, "test readers");

        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(readers.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
        assertThat(queuedRan).isFalse();
    }
}
