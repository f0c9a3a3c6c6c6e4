package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ApiPropertiesTest {

    @Test
    void refusesABodyReadTimeoutThatLeavesNoTimeToRead() {
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, Duration.ZERO))
                .hasMessageContaining("tally.api.body-read-timeout");
        assertThatThrownBy(() -> new ApiProperties(DataSize.ofMegabytes(10), 25, Duration.ofSeconds(-1)))
                .hasMessageContaining("tally.api.body-read-timeout");
    }
}
