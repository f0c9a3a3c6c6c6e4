package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The outbox relay publishes new jobs as soon as their submission commits, not on its interval
 * (here ten minutes): every committed transaction of new jobs wakes it, whether the submission
 * went alone or in a batch with others (RabbitMQ mode, real PostgreSQL and RabbitMQ).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PromptRelayTest {

    private static final String SCHEMA = Infrastructure.uniqueName("prompt");
    private static final String PREFIX = Infrastructure.uniqueName("tally-prompt");
    /** Far below the relay's interval, far above a relay woken at once. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "10m");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @LocalServerPort
    int port;

    @Test
    void relaysEachLoneSubmissionAtOnce() {
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            String id = submitText(api, "the relay wakes for this submission");

            assertThat(api.awaitJob(id, PromptRelayTest::succeeded, PROMPTLY).get("result").get("totalWords").asLong())
                    .isEqualTo(6);
        }
    }

    @Test
    void relaysConcurrentSubmissionsAtOnce() throws Exception {
        Api api = new Api(port);
        List<Future<String>> submitted = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 64; i++) {
                submitted.add(clients.submit(() -> submitText(api, "one of many concurrent submissions")));
            }
            for (Future<String> id : submitted) {
                assertThat(api.awaitJob(id.get(), PromptRelayTest::succeeded, PROMPTLY).get("result").get("totalWords")
                        .asLong()).isEqualTo(5);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static String submitText(Api api, String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("id").asString();
    }

    private static boolean succeeded(JsonNode job) {
        return job.get("status").asString().equals("SUCCEEDED");
    }
}
