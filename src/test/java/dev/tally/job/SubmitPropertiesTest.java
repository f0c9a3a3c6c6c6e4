package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SubmitPropertiesTest {

    @Test
    void usesOneWriterUnlessSet() {
        assertThat(new SubmitProperties(256, 10_000, 0, Duration.ofSeconds(10)).writerCount()).isEqualTo(1);
        assertThat(new SubmitProperties(256, 10_000, 3, Duration.ofSeconds(10)).writerCount()).isEqualTo(3);
    }

    @Test
    void refusesACommitTimeoutThatWouldRefuseEverySubmission() {
        assertThatThrownBy(() -> new SubmitProperties(256, 10_000, 0, Duration.ZERO))
                .hasMessageContaining("tally.submit.commit-timeout");
    }
}
