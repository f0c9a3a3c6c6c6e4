package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.RawHttp;
import dev.tally.support.RawHttp.RawAnswer;
import dev.tally.support.TallyIntegrationTest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * DNS rebinding: a hostile page whose name now points at 127.0.0.1 reaches a Tally listening on
 * loopback (the default) as its own origin, but its requests still name the hostile host. Those
 * are refused before anything else runs; loopback names are served as always.
 */
@TallyIntegrationTest
class HostCheckTest {

    @LocalServerPort
    int port;

    @Test
    void refusesARequestNamingAHostileHostWhileListeningOnLoopback() throws IOException {
        RawAnswer answer = get("rebind.attacker.example:" + port);

        assertThat(answer.status()).isEqualTo(421);
        assertThat(answer.head()).containsIgnoringCase("Content-Type: application/problem+json")
                .containsIgnoringCase("X-Content-Type-Options: nosniff");
        assertThat(answer.json().get("type").asString()).isEqualTo("urn:tally:problem:misdirected-request");
        assertThat(answer.json().get("detail").asString()).contains("tally.hosts.allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST.", "tally.localhost", "127.0.0.1", "127.1.2.3", "[::1]"})
    void servesLoopbackNames(String host) throws IOException {
        assertThat(get(host + ":" + port).status()).isEqualTo(200);
        assertThat(get(host).status()).isEqualTo(200);
    }

    @Test
    void takesTheNamesItIsToldToAndAnyWhenToldSo() {
        HostCheck listed = check(List.of("tally.example.com"), "127.0.0.1");
        HostCheck any = check(List.of("*"), "127.0.0.1");

        assertThat(listed.takes("Tally.Example.com:443")).isTrue();
        assertThat(listed.takes("localhost:8080")).isTrue();
        assertThat(listed.takes("other.example.com")).isFalse();
        assertThat(any.takes("anything.example")).isTrue();
    }

    /** Listening on every interface, Tally is meant to be reached by names it cannot know. */
    @Test
    void takesAnyNameWhenListeningBeyondLoopbackUnlessToldOtherwise() {
        assertThat(check(List.of(), "0.0.0.0").takes("tally.internal:8080")).isTrue();
        assertThat(check(List.of(), "").takes("tally.internal:8080")).isTrue();
        assertThat(check(List.of("tally.example.com"), "0.0.0.0").takes("tally.internal")).isFalse();
    }

    private RawAnswer get(String host) throws IOException {
        return RawHttp.send(port, "GET /api/v1/jobs HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private static HostCheck check(List<String> allowed, String serverAddress) {
        return new HostCheck(new AuthProperties.Hosts(allowed), serverAddress, null, null);
    }
}
