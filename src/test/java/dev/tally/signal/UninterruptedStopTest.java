package dev.tally.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.StoreReadStandIn;
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
        var read = new StoreReadStandIn();
        var queuedRan = new AtomicBoolean();
        readers.execute(read);
        readers.execute(() -> queuedRan.set(true));
        assertThat(read.awaitStarted()).isTrue();

        UninterruptedStop.of(readers, "test readers");

        assertThat(read.finished()).isTrue();
        assertThat(read.interrupted()).isFalse();
        assertThat(readers.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
        assertThat(queuedRan).isFalse();
    }
}
