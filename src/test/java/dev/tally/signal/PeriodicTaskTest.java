package dev.tally.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.StoreReadStandIn;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    /** Interrupted in a read or write of the embedded store, a run closed H2's file for the whole node. */
    @Test
    void letsARunUnderWayFinishUninterruptedWhenStopped() throws InterruptedException {
        var purge = new StoreReadStandIn();
        PeriodicTask task = PeriodicTask.start("tally-test-purge", Duration.ofMillis(10), purge);
        assertThat(purge.awaitStarted()).isTrue();

        task.stop();

        assertThat(purge.interrupted()).isFalse();
        assertThat(purge.finished()).isTrue();
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
