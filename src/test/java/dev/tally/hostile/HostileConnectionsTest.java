package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests that HTTP clients refuse to send, written to a raw socket: oversized and countless
 * headers, bodies shorter than declared, headers trickled a byte at a time. The server's limits
 * (16 KB of headers, 10 s connection timeout, application.yml) must hold, and it keeps serving.
 */
@TallyIntegrationTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileConnectionsTest {

    /** server.tomcat.connection-timeout in application.yml. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void rejectsAHundredKilobyteHeader() throws IOException {
        try (RawHttp raw = new RawHttp(port, Duration.ofSeconds(5))) {
            raw.send("GET /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: " + "a".repeat(100 * 1024) + "\r\n\r\n");
            RawHttp.Reply reply = raw.readUntilClosedOrTimeout();
            assertThat(reply.status()).as(reply.text()).isIn(400, 431);
            assertThat(reply.closed()).as("connection closed after the refusal").isTrue();
        }
        assertStillServing(api);
    }

    @Test
    void rejectsThousandsOfHeaders() throws IOException {
        StringBuilder request = new StringBuilder("GET /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 5_000; i++) {
            request.append("X-H").append(i).append(": v\r\n");
        }
        request.append("\r\n");
        try (RawHttp raw = new RawHttp(port, Duration.ofSeconds(5))) {
            raw.send(request.toString());
            RawHttp.Reply reply = raw.readUntilClosedOrTimeout();
            assertThat(reply.status()).as(reply.text()).isIn(400, 431);
        }
        assertStillServing(api);
    }

    @Test
    void keepsServingWhileSlowlorisConnectionsTrickleHeaders() throws Exception {
        java.util.List<RawHttp> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawHttp raw = new RawHttp(port, Duration.ofSeconds(1));
                slow.add(raw);
                raw.send("GET /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            }
            for (int second = 0; second < 6; second++) {
                for (RawHttp raw : slow) {
                    try {
                        raw.send("X");
                    } catch (IOException closedByServer) {
                        // also fine
                    }
                }
                long before = System.nanoTime();
                assertStillServing(api);
                assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
                Thread.sleep(1_000);
            }
        } finally {
            for (RawHttp raw : slow) {
                raw.close();
            }
        }
    }

    @Test
    void answersABodyShorterThanItsContentLengthWithinTheConnectionTimeout() throws IOException {
        long start = System.nanoTime();
        try (RawHttp raw = new RawHttp(port, CONNECTION_TIMEOUT.plusSeconds(5))) {
            raw.send("POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                    + "{\"text\":\"only part of it");
            assertStillAnswering();
            String head = raw.readHead();
            Duration answered = Duration.ofNanos(System.nanoTime() - start);
            assertThat(head).as("answer after %s", answered).startsWith("HTTP/1.1 4");
            assertThat(head).as("the connection cannot be reused after a truncated body").containsIgnoringCase("Connection: close");
            assertThat(answered).isLessThanOrEqualTo(CONNECTION_TIMEOUT.plusSeconds(3));
        }
        assertStillServing(api);
    }

    /** Other clients are served while the hostile connection is open. */
    private void assertStillAnswering() {
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    }
}
