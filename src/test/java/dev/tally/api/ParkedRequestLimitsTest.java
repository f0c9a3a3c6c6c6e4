package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The counting behind the bounds on open long-polls and event streams (one node). */
class ParkedRequestLimitsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ParkedRequestLimits limits = new ParkedRequestLimits(new ApiProperties(DataSize.ofMegabytes(10), 25,
            Duration.ofSeconds(60), Duration.ofSeconds(60), 3, 2, 100, 16), meters);

    @Test
    void refusesAClientPastItsShareAndCountsTheRefusal() {
        limits.admit("key:a");
        limits.admit("key:a");

        assertThatThrownBy(() -> limits.admit("key:a"))
                .isInstanceOfSatisfying(ParkedRequestLimits.TooManyParkedException.class,
                        e -> assertThat(e.perClient()).isTrue());
        assertThat(limits.parked("key:a")).isEqualTo(2);
        assertThat(limits.parked()).isEqualTo(2);
        assertThat(meters.get("tally.api.parked.refused").tag("bound", "client").counter().count()).isEqualTo(1);
    }

    @Test
    void refusesEveryClientPastTheNodesBound() {
        limits.admit("key:a");
        limits.admit("key:b");
        limits.admit("ip:127.0.0.1");

        assertThatThrownBy(() -> limits.admit("key:c"))
                .isInstanceOfSatisfying(ParkedRequestLimits.TooManyParkedException.class,
                        e -> assertThat(e.perClient()).isFalse());
        assertThat(limits.parked()).isEqualTo(3);
        assertThat(limits.parked("key:c")).isZero();
        assertThat(meters.get("tally.api.parked.refused").tag("bound", "node").counter().count()).isEqualTo(1);
    }

    @Test
    void givesThePlaceBackOnceHoweverOftenReleased() {
        Runnable first = limits.admit("key:a");
        limits.admit("key:a");

        first.run();
        first.run();

        assertThat(limits.parked("key:a")).isEqualTo(1);
        assertThat(limits.parked()).isEqualTo(1);
        limits.admit("key:a");
        assertThat(limits.parked("key:a")).isEqualTo(2);
    }
}
