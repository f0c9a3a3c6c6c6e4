package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A client that declares a large body and sends it a little at a time, each piece well within
 * Tomcat's 10 s connection timeout: the body holds its room in the large-body heap budget while it
 * arrives, so the whole body has a deadline ({@code tally.api.body-read-timeout}, 2 s here).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-trickled-body;DB_CLOSE_DELAY=-1",
        "tally.api.body-read-timeout=2s"
})
@DirtiesContext
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrickledBodyTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    @LocalServerPort
    int port;

    @Test
    void answers408AndClosesWhenALargeBodyTricklesPastTheReadTimeout() throws Exception {
        Api api = new Api(port);
        int declared = 4 << 20; // over 256 KiB: read with room in the heap budget
        AtomicBoolean sending = new AtomicBoolean(true);
        long start = System.nanoTime();
        try (RawHttp raw = new RawHttp(port, Duration.ofSeconds(15))) {
            raw.send("POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n{\"text\":\"");
            Thread trickle = new Thread(() -> {
                byte[] piece = "the quick brown fox jumps over the lazy dog ".repeat(23).getBytes(); // ~1 KB
                while (sending.get()) {
                    try {
                        raw.send(piece);
                        Thread.sleep(100);
                    } catch (IOException | InterruptedException closedByServer) {
                        return;
                    }
                }
            });
            trickle.start();
            assertThat(reservedLargeBodyBytesOnceTaken(api)).as("room taken while the body arrives").isPositive();

            String head = raw.readHead();
            Duration answered = Duration.ofNanos(System.nanoTime() - start);

            assertThat(head).as("answered after %s", answered).startsWith("HTTP/1.1 408");
            assertThat(head).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(head).as("the connection is not reused: the rest of the body may still come")
                    .containsIgnoringCase("Connection: close");
            assertThat(answered).isBetween(READ_TIMEOUT, READ_TIMEOUT.plusSeconds(3));
            // While the client still trickles (into a connection closed after the answer).
            assertThat(reservedLargeBodyBytes(api)).as("room freed").isZero();
            assertStillServing(api);
            sending.set(false);
            trickle.join();
        }
    }

    /** The room reserved, looked at until it is taken (the request reaches the filter) or 1 s passes. */
    private static double reservedLargeBodyBytesOnceTaken(Api api) throws InterruptedException {
        double reserved = 0;
        for (int i = 0; i < 20 && reserved == 0; i++) {
            reserved = reservedLargeBodyBytes(api);
            Thread.sleep(50);
        }
        return reserved;
    }

    private static double reservedLargeBodyBytes(Api api) {
        String metrics = api.get("/actuator/prometheus").body();
        return metrics.lines()
                .filter(line -> line.startsWith("tally_api_large_bodies_reserved_bytes"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
    }
}
