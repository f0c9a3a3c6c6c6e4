package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With more deliveries due than senders, a sender that finishes takes the next one at once: a
 * backlog drains at the receiver's pace, not a few deliveries per poll interval. The receiver is
 * alone, so it gets all four senders, past its share of two.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-webhook-backlog;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.webhooks.secret=backlog-secret",
        "tally.webhooks.concurrency=4",
        "tally.webhooks.per-receiver-concurrency=2",
        "tally.webhooks.poll-interval=3s"
})
class WebhookBacklogTest {

    @LocalServerPort
    int port;

    @Test
    void aBacklogDrainsWithoutWaitingForThePollIntervalBetweenDeliveries() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        TestSite site = TestSite.get().handle("/backlog-hooks/receiver", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Tally-Delivery"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        Api api = new Api(port);

        long submitted = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            api.postJson("/api/v1/jobs", "{\"text\":\"backlog number " + i + "\",\"callbackUrl\":\""
                    + site.url("/backlog-hooks/receiver") + "\"}");
        }
        while (received.size() < 30 && System.nanoTime() - submitted < Duration.ofSeconds(60).toNanos()) {
            Thread.sleep(20);
        }
        Duration drained = Duration.ofNanos(System.nanoTime() - submitted);

        // Four senders and a poll every 3 s would take 8 polls (24 s) for 30 deliveries; looking
        // again as senders finish, it takes the polls that find them due (one or two) and no more.
        assertThat(received).hasSize(30);
        assertThat(drained).isLessThan(Duration.ofSeconds(12));
    }
}
