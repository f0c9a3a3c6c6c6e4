package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitPropertiesTest {

    /** A bucket of no tokens answered every request of the client with a 500. */
    @Test
    void refusesAClientLimitBelowOneRequestPerMinute() {
        assertThatThrownBy(() -> new RateLimitProperties(true, 600, Map.of("key:0193a0f4", 0)))
                .hasMessageContaining("tally.rate-limit.clients[key:0193a0f4] must be at least 1");
    }

    @Test
    void takesPositiveClientLimits() {
        assertThat(new RateLimitProperties(true, 600, Map.of("ip:127.0.0.1", 1)).clients()).containsEntry("ip:127.0.0.1", 1);
    }
}
