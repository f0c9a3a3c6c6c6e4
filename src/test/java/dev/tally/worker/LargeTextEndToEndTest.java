package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.memory.HeapBudget;
import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A large submitted text (above 256 KiB) is counted only with room in the heap budget that large
 * pages use too; while there is none, its job waits in the queue without using an attempt.
 */
@TallyIntegrationTest
class LargeTextEndToEndTest {

    @LocalServerPort
    int port;

    @Autowired
    HeapBudget documentMemory;

    @Test
    void aLargeTextWaitsForRoomWithoutUsingAnAttemptThenIsCounted() throws Exception {
        // All the room taken, as by large pages being counted.
        HeapBudget.Reservation taken = documentMemory.reserve(Long.MAX_VALUE / 16, System.nanoTime());
        Api api = new Api(port);
        String id;
        try {
            String text = "Every line of this long text holds exactly ten words. ".repeat(5_000);
            Api.Response submitted = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
            assertThat(submitted.status()).isEqualTo(202);
            id = submitted.json().get("id").asString();

            // Longer than a wait for room (2 s) and the deferral after it (1-2 s).
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                JsonNode job = api.get("/api/v1/jobs/" + id).json();
                assertThat(job.get("status").asString()).isIn("QUEUED", "RUNNING");
                Thread.sleep(100);
            }
        } finally {
            // The context is shared with other tests: never leave the budget taken.
            taken.release();
        }

        JsonNode job = api.awaitTerminal(id);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("result").get("totalWords").asLong()).isEqualTo(50_000);
        assertThat(job.get("attempts").asInt()).as("waiting for room used no attempt").isEqualTo(1);
        assertThat(documentMemory.reservedBytes()).isZero();
    }
}
