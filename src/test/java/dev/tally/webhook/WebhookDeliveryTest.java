package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Signed webhooks to a real receiver started by the test, retried until it answers 2xx. */
@TallyIntegrationTest
class WebhookDeliveryTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    Api api;
    TestSite site = TestSite.get();

    record Received(String event, String delivery, String signature, byte[] body) {
    }

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void retriesAFailingReceiverUntilItAcceptsWithTheSameDeliveryId() {
        List<Received> received = new CopyOnWriteArrayList<>();
        var calls = new AtomicInteger();
        site.handle("/hooks/flaky", exchange -> {
            received.add(read(exchange));
            exchange.sendResponseHeaders(calls.incrementAndGet() <= 2 ? 500 : 204, -1);
        });

        String id = submitText("webhook me please", site.url("/hooks/flaky"));
        api.awaitTerminal(id);
        JsonNode delivery = awaitDelivery(id, "DELIVERED");

        assertThat(received).hasSize(3);
        assertThat(received).extracting(Received::delivery).containsOnly(delivery.get("id").asString());
        assertThat(received).extracting(Received::event).containsOnly("job.succeeded");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastStatus").asInt()).isEqualTo(204);
        JsonNode body = JsonMapper.builder().build().readTree(received.get(2).body());
        assertThat(body.get("id").asString()).isEqualTo(id);
        assertThat(body.get("status").asString()).isEqualTo("SUCCEEDED");
    }

    /** A deleted job is gone with its result: the webhook still to be retried is gone with them. */
    @Test
    void stopsRetryingTheWebhookOfADeletedJob() throws InterruptedException {
        var calls = new AtomicInteger();
        site.handle("/hooks/down-until-deleted", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
        });
        String id = submitText("deleted before its webhook got through", site.url("/hooks/down-until-deleted"));
        api.awaitTerminal(id);
        awaitDelivery(id, "PENDING");
        while (calls.get() < 2) {
            Thread.sleep(20); // retried at least once: the retries run (every 200 ms, doubling)
        }

        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
        int atDeletion = calls.get();
        Thread.sleep(3_000); // the retries that were due: 400 ms, 800 ms, 1.6 s after the last

        assertThat(calls.get()).as("attempts after the delete (one may have been under way)").isLessThanOrEqualTo(atDeletion + 1);
        assertThat(api.get("/api/v1/jobs/" + id + "/webhooks").status()).isEqualTo(404);
    }

    @Test
    void timesEveryAttemptByItsOutcome() {
        long retriedBefore = attempts("retried");
        long deliveredBefore = attempts("delivered");
        var calls = new AtomicInteger();
        site.handle("/hooks/once-unavailable", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 200, -1);
        });

        String id = submitText("count my attempts", site.url("/hooks/once-unavailable"));
        awaitDelivery(id, "DELIVERED");

        assertThat(attempts("retried")).isGreaterThanOrEqualTo(retriedBefore + 1);
        assertThat(attempts("delivered")).isGreaterThanOrEqualTo(deliveredBefore + 1);
    }

    @Test
    void signsEveryDeliveryVerifiablyWithTheSecret() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        site.handle("/hooks/verify", exchange -> {
            received.add(read(exchange));
            exchange.sendResponseHeaders(200, -1);
        });

        String id = submitText("signed and sealed", site.url("/hooks/verify"));
        awaitDelivery(id, "DELIVERED");

        Received hook = received.get(0);
        assertThat(verify(hook.signature(), hook.body(), TallyIntegrationTest.WEBHOOK_SECRET)).isTrue();
        assertThat(verify(hook.signature(), hook.body(), "some other secret")).isFalse();
        byte[] tampered = new String(hook.body(), StandardCharsets.UTF_8).replace("SUCCEEDED", "FAILED")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verify(hook.signature(), tampered, TallyIntegrationTest.WEBHOOK_SECRET)).isFalse();
    }

    @Test
    void announcesFailedAndCancelledJobsToo() {
        List<Received> received = new CopyOnWriteArrayList<>();
        site.handle("/hooks/outcomes", exchange -> {
            received.add(read(exchange));
            exchange.sendResponseHeaders(200, -1);
        });
        site.page("/hooks/missing-page", 404, "text/html", "gone");
        site.slowHtml("/hooks/slow-page", 3000, "<p>slow</p>");

        Api.Response failed = api.postJson("/api/v1/jobs", "{\"url\":\"" + site.url("/hooks/missing-page")
                + "\",\"callbackUrl\":\"" + site.url("/hooks/outcomes") + "\"}");
        Api.Response slow = api.postJson("/api/v1/jobs", "{\"url\":\"" + site.url("/hooks/slow-page")
                + "\",\"callbackUrl\":\"" + site.url("/hooks/outcomes") + "\"}");
        String slowId = slow.json().get("id").asString();
        api.post("/api/v1/jobs/" + slowId + "/cancel", "application/json", "");

        awaitDelivery(failed.json().get("id").asString(), "DELIVERED");
        awaitDelivery(slowId, "DELIVERED");
        assertThat(received).extracting(Received::event).contains("job.failed", "job.cancelled");
    }

    @Test
    void jobsWithoutCallbackHaveNoDeliveries() {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"quiet job\"}");
        String id = accepted.json().get("id").asString();
        api.awaitTerminal(id);

        assertThat(api.get("/api/v1/jobs/" + id + "/webhooks").json().get("deliveries")).isEmpty();
        assertThat(api.get("/api/v1/jobs/0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e/webhooks").status()).isEqualTo(404);
    }

    @Test
    void aSlowReceiverGetsEachDeliveryOnceWhileMoreAreDueThanThereAreSenders() {
        // 120 deliveries at 250 ms each take four senders ~7.5 s, longer than an attempt's claim
        // (twice the 2 s timeout plus a second): a delivery claimed and then left waiting for a
        // free sender would be claimed and sent again.
        Map<String, Integer> timesReceived = new ConcurrentHashMap<>();
        var inFlight = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        site.handle("/hooks/slow-receiver", exchange -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                timesReceived.merge(read(exchange).delivery(), 1, Integer::sum);
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet(); // before answering: the sender is free once it has the answer
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });

        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            jobs.add(submitText("slow receiver number " + i, site.url("/hooks/slow-receiver")));
        }
        List<JsonNode> deliveries = jobs.stream().map(id -> awaitDelivery(id, "DELIVERED", Duration.ofSeconds(60))).toList();

        assertThat(deliveries).extracting(d -> d.get("attempts").asInt()).containsOnly(1);
        assertThat(timesReceived).hasSize(120);
        assertThat(timesReceived.values()).containsOnly(1);
        // Alone with a backlog, the receiver gets more than its share of two: the four senders.
        assertThat(mostAtOnce.get()).isBetween(3, 4);
    }

    /** How a receiver verifies Tally-Signature (the example in docs/webhooks.md). */
    static boolean verify(String header, byte[] body, String secret) throws Exception {
        long t = 0;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = Long.parseLong(part.substring(2));
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        if (v1 == null || Math.abs(Instant.now().getEpochSecond() - t) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        byte[] expected = mac.doFinal(body);
        return MessageDigest.isEqual(expected, java.util.HexFormat.of().parseHex(v1));
    }

    private long attempts(String outcome) {
        Timer timer = meters.find("tally.webhook.attempts").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private String submitText(String text, String callbackUrl) {
        Api.Response accepted = api.postJson("/api/v1/jobs",
                "{\"text\":\"" + text + "\",\"callbackUrl\":\"" + callbackUrl + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").asString();
    }

    private JsonNode awaitDelivery(String jobId, String status) {
        return awaitDelivery(jobId, status, Duration.ofSeconds(20));
    }

    private JsonNode awaitDelivery(String jobId, String status, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode deliveries = api.get("/api/v1/jobs/" + jobId + "/webhooks").json().get("deliveries");
            if (deliveries != null && deliveries.size() > 0) {
                last = deliveries.get(0);
                if (status.equals(last.get("status").asString())) {
                    return last;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("delivery of job " + jobId + " never " + status + "; last " + last);
    }

    private static Received read(HttpExchange exchange) throws IOException {
        var headers = exchange.getRequestHeaders();
        return new Received(headers.getFirst("Tally-Event"), headers.getFirst("Tally-Delivery"),
                headers.getFirst("Tally-Signature"), exchange.getRequestBody().readAllBytes());
    }
}
