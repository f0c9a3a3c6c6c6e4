package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A webhook whose first attempt failed is still delivered after the process is killed and restarted. */
class WebhookRestartTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void aPendingWebhookIsDeliveredAfterAKillAndRestart() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        Set<String> accepting = ConcurrentHashMap.newKeySet();
        site.handle("/restart-hooks/receiver", exchange -> {
            deliveries.add(exchange.getRequestHeaders().getFirst("Tally-Delivery"));
            exchange.sendResponseHeaders(accepting.isEmpty() ? 503 : 200, -1);
        });
        String[] args = {"--tally.fetch.allow-private-networks=true", "--tally.webhooks.initial-backoff=3s",
                "--tally.webhooks.poll-interval=200ms", "--tally.webhooks.timeout=2s", "--tally.webhooks.secret=restart-secret"};
        final String id;
        try (TallyProcess tally = TallyProcess.start(workDir, args)) {
            Api api = tally.api();
            Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"survive me\",\"callbackUrl\":\""
                    + site.url("/restart-hooks/receiver") + "\"}");
            id = accepted.json().get("id").asString();
            // Between two attempts: the first failure is recorded, the retry is 3 s away.
            awaitUntil(() -> api.get("/api/v1/jobs/" + id + "/webhooks").json().get("deliveries").path(0)
                    .path("attempts").asInt() >= 1);
            tally.kill();
        }
        accepting.add("yes");

        try (TallyProcess tally = TallyProcess.start(workDir, args)) {
            Api api = tally.api();
            JsonNode delivery = null;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                delivery = api.get("/api/v1/jobs/" + id + "/webhooks").json().get("deliveries").get(0);
                if (delivery.get("status").asString().equals("DELIVERED")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
            assertThat(delivery.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(deliveries).hasSizeGreaterThanOrEqualTo(2).containsOnly(delivery.get("id").asString());
        }
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(50);
        }
    }
}
