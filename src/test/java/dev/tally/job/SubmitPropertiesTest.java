package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SubmitPropertiesTest {

    @Test
    void picksOneWriterForTheEmbeddedStoreAndTwoForPostgresUnlessSet() {
        var automatic = new SubmitProperties(256, 10_000, 0, Duration.ofSeconds(10));

        assertThat(automatic.writersFor("jdbc:h2:file:./data/tally;WRITE_DELAY=0")).isEqualTo(1);
        assertThat(automatic.writersFor("jdbc:postgresql://db/tally")).isEqualTo(2);
        assertThat(new SubmitProperties(256, 10_000, 3, Duration.ofSeconds(10)).writersFor("jdbc:h2:mem:x")).isEqualTo(3);
    }

    @Test
    void refusesACommitTimeoutThatWouldRefuseEverySubmission() {
        assertThatThrownBy(() -> new SubmitProperties(256, 10_000, 0, Duration.ZERO))
                .hasMessageContaining("tally.submit.commit-timeout");
    }
}
