package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real restart of the machine's RabbitMQ (stop_app / start_app) in the middle of a run: the
 * quorum queue keeps its persistent messages, the outbox keeps what could not be published, the
 * application reconnects by itself, and every job completes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class BrokerRestartTest {

    private static final String SCHEMA = Infrastructure.uniqueName("restart");
    private static final String PREFIX = Infrastructure.uniqueName("tally-restart");

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "200ms");
        registry.add("tally.worker.concurrency", () -> "2");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @LocalServerPort
    int port;

    @Test
    void aBrokerRestartDuringARunLosesNothing() throws Exception {
        Api api = new Api(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(submit(api, "before the restart " + i));
        }
        try {
            rabbitmqctl("stop_app");
            for (int i = 0; i < 20; i++) {
                ids.add(submit(api, "during the restart " + i));
            }
        } finally {
            rabbitmqctl("start_app");
            rabbitmqctl("await_startup");
        }
        for (int i = 0; i < 20; i++) {
            ids.add(submit(api, "after the restart " + i));
        }

        for (String id : ids) {
            var job = api.awaitJob(id, j -> j.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(90));
            assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(4);
        }
    }

    private static String submit(Api api, String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }

    private static void rabbitmqctl(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + command + " failed: " + output);
        }
    }
}
