package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which deliveries share a receiver, and so its share of the senders. */
class ReceiverTest {

    @Test
    void deliveriesToPathsOfOneHostShareAReceiver() {
        assertThat(Receiver.of("https://hooks.example.org/tally/jobs?job=1"))
                .isEqualTo(Receiver.of("https://hooks.example.org/other#x"))
                .isEqualTo("https://hooks.example.org:443");
    }

    @Test
    void readsTheSchemesDefaultPortAndIgnoresCase() {
        assertThat(Receiver.of("HTTP://Hooks.Example.ORG/tally")).isEqualTo("http://hooks.example.org:80");
        assertThat(Receiver.of("http://hooks.example.org:80/")).isEqualTo("http://hooks.example.org:80");
    }

    @Test
    void anotherPortIsAnotherReceiver() {
        assertThat(Receiver.of("http://127.0.0.1:8081/hooks")).isNotEqualTo(Receiver.of("http://127.0.0.1:8082/hooks"));
    }

    @Test
    void aUrlWithoutAHostIsAReceiverByItself() {
        assertThat(Receiver.of("mailto:ops@example.org")).isEqualTo("mailto:ops@example.org");
        assertThat(Receiver.of("http://[not a url")).isEqualTo("http://[not a url");
    }
}
