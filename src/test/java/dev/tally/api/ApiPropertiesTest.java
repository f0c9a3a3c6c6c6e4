package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ApiPropertiesTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void refusesABodyReadTimeoutThatLeavesNoTimeToRead() {
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, Duration.ZERO, MINUTE, 4096, 256, 100, 16))
                .hasMessageContaining("tally.api.body-read-timeout");
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, Duration.ofSeconds(-1), MINUTE, 4096, 256, 100, 16))
                .hasMessageContaining("tally.api.body-read-timeout");
    }

    @Test
    void refusesAnEventStreamRecheckThatWouldReadTheStoreWithoutPause() {
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, MINUTE, Duration.ofMillis(10), 4096, 256, 100, 16))
                .hasMessageContaining("tally.api.event-stream-recheck");
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, MINUTE, Duration.ZERO, 4096, 256, 100, 16))
                .hasMessageContaining("tally.api.event-stream-recheck");
    }
}
