package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a job keeps of the request that submitted it. */
class OriginTest {

    @Test
    void keepsATraceParentOfTheW3cVersionItKnows() {
        String span = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        assertThat(new Origin("lb-5f0c2a4e", span).traceParent()).isEqualTo(span);
    }

    @Test
    void dropsATraceParentTooLongForItsColumnButKeepsTheRequestId() {
        String longer = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-" + "f".repeat(16);

        Origin origin = new Origin("lb-5f0c2a4e", longer);

        assertThat(origin.traceParent()).isNull();
        assertThat(origin.requestId()).isEqualTo("lb-5f0c2a4e");
    }
}
