package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** With the default {@code tally.fetch.allow-private-networks=false}, internal addresses are never fetched. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-safety;DB_CLOSE_DELAY=-1",
        "tally.retry.max-attempts=1",
        "tally.webhooks.max-attempts=5",
        "tally.webhooks.poll-interval=100ms"
})
class DestinationSafetyApiTest {

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
            "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/"})
    void rejectsLiteralInternalAddressesAtSubmit(String url) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");

        assertThat(response.status()).as(url).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void neverCallsBackAHostNameThatResolvesToLoopback() throws InterruptedException {
        var hits = new java.util.concurrent.atomic.AtomicInteger();
        site.handle("/safety/hook", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        });
        String callback = site.url("/safety/hook").replace("127.0.0.1", "localhost");
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"call me maybe\",\"callbackUrl\":\"" + callback + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();

        JsonNode delivery = null;
        for (int i = 0; i < 100; i++) {
            delivery = api.get("/api/v1/jobs/" + id + "/webhooks").json().get("deliveries").path(0);
            if ("FAILED".equals(delivery.path("status").asString())) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
        assertThat(delivery.get("lastError").asString()).contains("FORBIDDEN_DESTINATION");
        assertThat(delivery.get("attempts").asInt()).as("a forbidden destination is not tried again").isEqualTo(1);
        assertThat(hits.get()).isZero();
    }

    @Test
    void rejectsALiteralInternalCallbackUrlAtSubmit() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"x\",\"callbackUrl\":\"http://169.254.169.254/\"}");
        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void neverConnectsToAHostNameThatResolvesToLoopback() {
        var hits = new java.util.concurrent.atomic.AtomicInteger();
        site.handle("/safety/secret", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        });
        String url = site.url("/safety/secret").replace("127.0.0.1", "localhost");

        JsonNode job = api.awaitTerminal(api.submitUrl(url));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").get("code").asString()).isEqualTo("FORBIDDEN_DESTINATION");
        assertThat(hits.get()).isZero();
    }
}
