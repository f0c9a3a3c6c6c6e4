package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.StoreReadStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Parked requests are let go when the process stops, and parked as usual again after a restart. */
class JobWatchersLifecycleTest {

    private final JobWatchers watchers = new JobWatchers(null, new SimpleMeterRegistry());
    private final AtomicInteger released = new AtomicInteger();

    @Test
    void releasesEveryParkedRequestWhenStopping() {
        watchers.start();
        watchers.untilStop(released::incrementAndGet);
        watchers.untilStop(released::incrementAndGet);

        watchers.stop();

        assertThat(released).hasValue(2);
        assertThat(watchers.isRunning()).isFalse();
    }

    @Test
    void releasesARequestAtOnceWhileStopped() {
        watchers.start();
        watchers.stop();

        watchers.untilStop(released::incrementAndGet);

        assertThat(released).hasValue(1);
    }

    @Test
    void doesNotReleaseARequestThatEndedOnItsOwn() {
        watchers.start();
        Runnable ended = watchers.untilStop(released::incrementAndGet);
        ended.run();

        watchers.stop();

        assertThat(released).hasValue(0);
    }

    @Test
    void parksAgainAfterARestart() {
        // Spring's test contexts are stopped while another context runs, and started again.
        watchers.start();
        watchers.stop();
        watchers.start();

        watchers.untilStop(released::incrementAndGet);

        assertThat(released).hasValue(0);
        assertThat(watchers.isRunning()).isTrue();
    }

    /** A reader interrupted in a read of the embedded store closes H2's file for the whole node. */
    @Test
    void letsAReadUnderWayFinishUninterruptedWhenClosed() throws InterruptedException {
        var read = new StoreReadStandIn();
        watchers.after(Duration.ZERO, read);
        assertThat(read.awaitStarted()).isTrue();

        watchers.close();

        assertThat(read.interrupted()).isFalse();
        assertThat(read.finished()).isTrue();
    }
}
