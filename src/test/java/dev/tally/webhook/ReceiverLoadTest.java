package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How many sends one receiver may have at once, and the rest a receiver gets after not answering. */
class ReceiverLoadTest {

    private static final String SLOW = "https://slow.example.org:443";
    private static final String FAST = "https://fast.example.org:443";

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final ReceiverLoad load = new ReceiverLoad(2, Duration.ofSeconds(30), nanos::get);

    @Test
    void givesAReceiverNoMoreThanItsShareOfTheSendersAtOnce() {
        assertThat(load.tryStart(SLOW)).isTrue();
        assertThat(load.tryStart(SLOW)).isTrue();

        assertThat(load.tryStart(SLOW)).isFalse();
        assertThat(load.tryStart(FAST)).isTrue();
        assertThat(load.busy()).containsExactly(SLOW);
    }

    @Test
    void aTurnGivenBackLetsTheNextSendGo() {
        load.tryStart(SLOW);
        load.tryStart(SLOW);

        load.finished(SLOW, true);

        assertThat(load.busy()).isEmpty();
        assertThat(load.tryStart(SLOW)).isTrue();
    }

    @Test
    void givesAReceiverMoreThanItsShareOnlyWhenAsked() {
        load.tryStart(SLOW);
        load.tryStart(SLOW);
        assertThat(load.anyAtShare()).isTrue();

        assertThat(load.tryStartBeyondShare(SLOW)).isTrue();
        assertThat(load.tryStart(SLOW)).isFalse();
        load.finished(SLOW, true);
        load.finished(SLOW, true);
        assertThat(load.busy()).isEmpty();
        assertThat(load.anyAtShare()).isFalse();
    }

    @Test
    void givesAReceiverAtRestNoTurnEvenBeyondItsShare() {
        load.tryStart(SLOW);
        load.finished(SLOW, false);

        assertThat(load.tryStartBeyondShare(SLOW)).isFalse();
        assertThat(load.resting()).containsExactly(SLOW);
    }

    @Test
    void leavesAReceiverThatDidNotAnswerAloneForItsRest() {
        load.tryStart(SLOW);
        load.finished(SLOW, false);

        assertThat(load.tryStart(SLOW)).isFalse();
        assertThat(load.busy()).containsExactly(SLOW);

        nanos.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
        assertThat(load.tryStart(SLOW)).isFalse();
        nanos.incrementAndGet();
        assertThat(load.busy()).isEmpty();
        assertThat(load.tryStart(SLOW)).isTrue();
    }
}
