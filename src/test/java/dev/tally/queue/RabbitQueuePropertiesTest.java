package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RabbitQueuePropertiesTest {

    @Test
    void acceptsNoRelayLingerAndTheLongestAllowed() {
        assertThat(withRelayLinger(Duration.ZERO).relayLinger()).isZero();
        assertThat(withRelayLinger(Duration.ofSeconds(1)).relayLinger()).hasSeconds(1);
    }

    @Test
    void refusesANegativeRelayLinger() {
        assertThatThrownBy(() -> withRelayLinger(Duration.ofNanos(-1))).hasMessageContaining("tally.rabbitmq.relay-linger");
    }

    @Test
    void refusesARelayLingerThatWouldHoldNewJobsBackForLong() {
        assertThatThrownBy(() -> withRelayLinger(Duration.ofMillis(1001))).hasMessageContaining("tally.rabbitmq.relay-linger");
    }

    private static RabbitQueueProperties withRelayLinger(Duration linger) {
        return new RabbitQueueProperties("tally", 10, 200, 20, 2, Duration.ofMillis(500), linger,
                Duration.ofSeconds(10), Duration.ofMinutes(5));
    }
}
