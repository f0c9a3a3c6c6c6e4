package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.ReadOnlyRole;
import dev.tally.support.TestSite;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Claims of due webhooks that a real PostgreSQL refuses (it reads but takes no writes, as a
 * standby does) cost the node nothing once it takes writes again: the delivery goes out. With one
 * sender, as here, a claim that failed used to keep that sender for good, so the node never sent
 * a webhook again until it restarted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class WebhookClaimFailureTest {

    private static final String SCHEMA = Infrastructure.uniqueName("hookclaim");
    private static final ReadOnlyRole ROLE = new ReadOnlyRole("tally_webhook_claim_test");

    @DynamicPropertySource
    static void onItsOwnRole(DynamicPropertyRegistry registry) {
        ROLE.register(registry, SCHEMA);
        registry.add("tally.fetch.allow-private-networks", () -> "true");
        registry.add("tally.webhooks.concurrency", () -> "1");
        registry.add("tally.webhooks.poll-interval", () -> "100ms");
        registry.add("tally.webhooks.initial-backoff", () -> "2s");
        registry.add("tally.webhooks.timeout", () -> "2s");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @AfterEach
    void takeWritesAgain() {
        ROLE.writable();
    }

    @Test
    void deliversOnceTheStoreTakesWritesAgainAfterClaimsItRefused() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        TestSite site = TestSite.get().handle("/claim-failure/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            // The first attempt fails, so the next is due a backoff later: while the store refuses writes.
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 204, -1);
        });
        Api api = new Api(port);
        String id = api.postJson("/api/v1/jobs", """
                {"text": "claimed while the store takes no writes", "callbackUrl": "%s"}"""
                .formatted(site.url("/claim-failure/hook"))).json().get("id").asString();
        JsonNode failedOnce = await("the first attempt recorded").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> delivery(api, id), d -> d != null && d.get("attempts").asInt() == 1);
        Instant nextAttempt = Instant.parse(failedOnce.get("nextAttemptAt").asString());

        ROLE.readOnly(dataSource);
        // Past the delivery's next attempt, polled every 100 ms: a few claims refused.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), nextAttempt).toMillis()) + 1_000);
        ROLE.writable();

        JsonNode delivered = await("the delivery sent once writes are taken").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> delivery(api, id), d -> "DELIVERED".equals(d.get("status").asString()));
        assertThat(delivered.get("attempts").asInt()).isEqualTo(2);
        assertThat(calls.get()).isEqualTo(2);
    }

    private static JsonNode delivery(Api api, String jobId) {
        Api.Response response = api.get("/api/v1/jobs/" + jobId + "/webhooks");
        if (response.status() != 200 || response.json().get("deliveries").isEmpty()) {
            return null;
        }
        return response.json().get("deliveries").get(0);
    }
}
