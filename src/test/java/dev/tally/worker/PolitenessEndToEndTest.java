package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Many jobs for one site are fetched politely: never more than the per-host limit at once, none
 * failing for it (jobs waiting for a turn go back to the queue without using an attempt), and
 * robots.txt honoured.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-polite;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.fetch.per-host-concurrency=2",
        "tally.fetch.per-host-interval=20ms",
        "tally.fetch.max-host-wait=100ms",
        "tally.worker.concurrency=8",
        "tally.worker.poll-interval=100ms"
})
class PolitenessEndToEndTest {

    @LocalServerPort
    int port;

    TestSite site = TestSite.get();

    @Test
    void manyJobsForOneSiteNeverExceedItsLimitAndAllSucceedOnTheirFirstAttempt() {
        var inFlight = new AtomicInteger();
        var maxInFlight = new AtomicInteger();
        site.handle("/polite/page", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(150);
                byte[] body = "<p>be kind to servers</p>".getBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        });
        Api api = new Api(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(api.submitUrl(site.url("/polite/page?i=" + i)));
        }

        for (String id : ids) {
            JsonNode job = api.awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
        }
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aPageDisallowedByRobotsTxtFailsWithRobotsDisallowed() {
        site.page("/robots.txt", 200, "text/plain", "User-agent: *\nDisallow: /polite/private\n");
        var hits = new AtomicInteger();
        site.handle("/polite/private", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        });
        Api api = new Api(port);

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/polite/private/secret.html")));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").get("code").asString()).isEqualTo("ROBOTS_DISALLOWED");
        assertThat(job.get("error").get("retryable").asBoolean()).isFalse();
        assertThat(hits.get()).isZero();
    }
}
