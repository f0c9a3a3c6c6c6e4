package dev.tally.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * New jobs are processed as soon as their submission commits, whether it went alone or in a batch
 * with others: each subclass runs a Tally whose polling interval for new work (the local pump's,
 * the outbox relay's) is far longer than these tests wait, so only the wake-up of each committed
 * transaction can get the jobs done in time.
 */
public abstract class PromptProcessingContract {

    /** Far below the intervals the subclasses set, far above a loop woken at once. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @LocalServerPort
    protected int port;

    @Test
    void processesEachLoneSubmissionAtOnce() {
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            String id = submitText(api, "a lone submission wakes the queue");

            assertThat(api.awaitJob(id, PromptProcessingContract::succeeded, PROMPTLY).get("result").get("totalWords")
                    .asLong()).isEqualTo(6);
        }
    }

    @Test
    void processesConcurrentSubmissionsAtOnce() throws Exception {
        Api api = new Api(port);
        List<Future<String>> submitted = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 64; i++) {
                submitted.add(clients.submit(() -> submitText(api, "one of many concurrent submissions")));
            }
            for (Future<String> id : submitted) {
                assertThat(api.awaitJob(id.get(), PromptProcessingContract::succeeded, PROMPTLY).get("result")
                        .get("totalWords").asLong()).isEqualTo(5);
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
