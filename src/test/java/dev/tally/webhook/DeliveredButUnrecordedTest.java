package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TableLock;
import dev.tally.support.TestSite;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A webhook the receiver answered 2xx, whose outcome the real PostgreSQL then failed to record (the
 * session ended, as a failover ends it), is not a failed attempt: it is sent again and recorded
 * DELIVERED, even when it had no attempt left.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DeliveredButUnrecordedTest {

    private static final String SCHEMA = Infrastructure.uniqueName("hookrecord");

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA, SCHEMA);
        registry.add("tally.fetch.allow-private-networks", () -> "true");
        registry.add("tally.webhooks.max-attempts", () -> "1");
        registry.add("tally.webhooks.timeout", () -> "2s");
        registry.add("tally.webhooks.poll-interval", () -> "100ms");
    }

    @BeforeAll
    static void removeSchemaWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Test
    void aDeliveryWhoseOutcomeTheStoreLostIsSentAgainNotFailed() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicReference<TableLock> lock = new AtomicReference<>();
        TestSite site = TestSite.get().handle("/unrecorded/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (received.isEmpty()) {
                try {
                    // Held from before the answer: recording it waits, and its session is ended.
                    lock.set(TableLock.exclusive(SCHEMA + ".webhook_delivery"));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            received.add(exchange.getRequestHeaders().getFirst("Tally-Delivery"));
            exchange.sendResponseHeaders(204, -1);
        });
        Api api = new Api(port);
        Api.Response accepted = api.postJson("/api/v1/jobs", """
                {"text": "the receiver has it, the store does not", "callbackUrl": "%s"}"""
                .formatted(site.url("/unrecorded/hook")));
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lock.get() != null);
        try (TableLock held = lock.get()) {
            held.endSessionWaitingWith("UPDATE webhook_delivery SET status = 'DELIVERED'");
        }

        JsonNode delivery = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/jobs/" + id + "/webhooks").json().get("deliveries").get(0),
                        d -> !d.get("status").asString().equals("PENDING"));
        assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(delivery.get("lastError").isNull()).isTrue();
        assertThat(received).hasSize(2).containsOnly(delivery.get("id").asString());
    }
}
