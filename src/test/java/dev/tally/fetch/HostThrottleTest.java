package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HostThrottleTest {

    private static long in(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }


    @Test
    void givesNoSlotBeyondTheConcurrencyUntilOneIsReleased() throws Exception {
        HostThrottle throttle = new HostThrottle(2, 0);
        HostThrottle.Permit first = throttle.acquire("a", 0, in(Duration.ofSeconds(1)));
        HostThrottle.Permit second = throttle.acquire("a", 0, in(Duration.ofSeconds(1)));

        long start = System.nanoTime();
        assertThat(throttle.acquire("a", 0, in(Duration.ofMillis(200)))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofMillis(1000));

        first.close();
        HostThrottle.Permit third = throttle.acquire("a", 0, in(Duration.ofMillis(200)));
        assertThat(third).isNotNull();
        second.close();
        third.close();
    }

    @Test
    void spacesStartsByTheRequestedInterval() throws Exception {
        HostThrottle throttle = new HostThrottle(4, Duration.ofMillis(200).toNanos());
        long interval = Duration.ofMillis(150).toNanos();

        long start = System.nanoTime();
        throttle.acquire("a", interval, in(Duration.ofSeconds(2))).close();
        throttle.acquire("a", interval, in(Duration.ofSeconds(2))).close();
        throttle.acquire("a", interval, in(Duration.ofSeconds(2))).close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofMillis(1000));
    }

    @Test
    void refusesAtOnceATurnThatWouldStartAfterTheDeadline() throws Exception {
        HostThrottle throttle = new HostThrottle(4, Duration.ofSeconds(5).toNanos());
        throttle.acquire("a", Duration.ofSeconds(5).toNanos(), in(Duration.ofSeconds(1))).close();

        long start = System.nanoTime();
        assertThat(throttle.acquire("a", Duration.ofSeconds(5).toNanos(), in(Duration.ofSeconds(1)))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        // the refused turn reserved nothing: a short interval is still served at once
        assertThat(throttle.acquire("a", 0, in(Duration.ofMillis(100)))).isNotNull();
    }

    @Test
    void anInterruptEndsTheWaitAndFreesNothingItDidNotTake() throws Exception {
        HostThrottle throttle = new HostThrottle(1, 0);
        HostThrottle.Permit held = throttle.acquire("a", 0, in(Duration.ofSeconds(1)));
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try {
                throttle.acquire("a", 0, in(Duration.ofSeconds(30)));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        // Interrupted while parked for the slot, not before it asks (an interrupt then would also
        // throw, without testing the wait).
        await().atMost(Duration.ofSeconds(5)).until(() -> FetcherTestSupport.waitsForAHostSlot(waiter.get()));
        waiter.get().interrupt();

        assertThat(outcome.get(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(throttle.acquire("a", 0, in(Duration.ofMillis(100)))).as("still held by the first").isNull();
        held.close();
        assertThat(throttle.acquire("a", 0, in(Duration.ofMillis(100)))).isNotNull();
    }

    @Test
    void forgetsHostsThatWentIdleButKeepsThoseInUse() throws Exception {
        HostThrottle throttle = new HostThrottle(1, Duration.ofMillis(50).toNanos(), 0);
        throttle.acquire("idle", 0, in(Duration.ofSeconds(1))).close();
        HostThrottle.Permit busy = throttle.acquire("busy", 0, in(Duration.ofSeconds(1)));
        Thread.sleep(80);

        throttle.acquire("other", 0, in(Duration.ofSeconds(1))).close(); // sweeps on the way

        assertThat(throttle.trackedHosts()).isEqualTo(2); // busy and other
        assertThat(throttle.acquire("busy", 0, in(Duration.ofMillis(100)))).as("the kept host still counts its slot").isNull();
        busy.close();
    }
}
