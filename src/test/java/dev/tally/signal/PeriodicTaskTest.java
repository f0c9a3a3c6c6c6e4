package dev.tally.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    /** Interrupted in a read or write of the embedded store, a run closed H2's file for the whole node. */
    @Test
    void letsARunUnderWayFinishUninterruptedWhenStopped() throws InterruptedException {
        var started = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        var finished = new AtomicBoolean();
        PeriodicTask task = PeriodicTask.start("tally-test-purge", Duration.ofMillis(10), () -> {
            started.countDown();
            try {
                Thread.sleep(300);
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        task.stop();

        assertThat(interrupted).isFalse();
        assertThat(finished).isTrue();
        assertThat(task.isStopped()).isTrue();
    }

    @Test
    void runsNoMoreOnceStopped() throws InterruptedException {
        var runs = new AtomicInteger();
        PeriodicTask task = PeriodicTask.start("tally-test-check", Duration.ofMillis(10), runs::incrementAndGet);
        Thread.sleep(100);

        task.stop();
        int atStop = runs.get();
        Thread.sleep(100);

        assertThat(atStop).isPositive();
        assertThat(runs).hasValue(atStop);
    }
}
