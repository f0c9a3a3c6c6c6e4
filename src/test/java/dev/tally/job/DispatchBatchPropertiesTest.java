package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatchBatchPropertiesTest {

    @Test
    void acceptsNoLingerAndTheLongestAllowed() {
        assertThat(new DispatchBatchProperties(64, 64, Duration.ZERO).resultLinger()).isZero();
        assertThat(new DispatchBatchProperties(64, 64, Duration.ofMillis(10)).resultLinger()).hasMillis(10);
    }

    @Test
    void refusesANegativeResultLinger() {
        assertThatThrownBy(() -> new DispatchBatchProperties(64, 64, Duration.ofNanos(-1)))
                .hasMessageContaining("tally.dispatch.result-linger");
    }

    @Test
    void refusesAResultLingerThatWouldHoldAWorkerForLong() {
        assertThatThrownBy(() -> new DispatchBatchProperties(64, 64, Duration.ofMillis(11)))
                .hasMessageContaining("tally.dispatch.result-linger");
    }
}
