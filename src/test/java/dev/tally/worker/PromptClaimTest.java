package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The local worker pool claims new jobs as soon as their submission commits, not on its poll
 * interval (here ten minutes): every committed transaction of new jobs wakes it, whether the
 * submission went alone or in a batch with others (embedded store).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-prompt-claim;DB_CLOSE_DELAY=-1",
        "tally.worker.poll-interval=10m"
})
class PromptClaimTest {

    /** Far below the poll interval, far above a pump woken at once. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @Test
    void claimsEachLoneSubmissionAtOnce() {
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            String id = submitText(api, "the pump wakes for this submission");

            assertThat(api.awaitJob(id, PromptClaimTest::succeeded, PROMPTLY).get("result").get("totalWords").asLong())
                    .isEqualTo(6);
        }
    }

    @Test
    void claimsConcurrentSubmissionsAtOnce() throws Exception {
        Api api = new Api(port);
        List<Future<String>> submitted = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 64; i++) {
                submitted.add(clients.submit(() -> submitText(api, "one of many concurrent submissions")));
            }
            for (Future<String> id : submitted) {
                assertThat(api.awaitJob(id.get(), PromptClaimTest::succeeded, PROMPTLY).get("result").get("totalWords")
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
