package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClockPropertiesTest {

    @Test
    void acceptsTheDefaults() {
        var properties = new ClockProperties(Duration.ofSeconds(1), Duration.ofMinutes(1));

        assertThat(properties.maxSkew()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refusesAMaxSkewThatIsNotPositive() {
        assertThatThrownBy(() -> new ClockProperties(Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("tally.clock.max-skew");
    }

    @Test
    void refusesACheckIntervalUnderASecond() {
        assertThatThrownBy(() -> new ClockProperties(Duration.ofSeconds(1), Duration.ofMillis(500)))
                .hasMessageContaining("tally.clock.check-interval");
    }
}
