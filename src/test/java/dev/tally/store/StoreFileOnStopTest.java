package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default store on a graceful stop: its default URL has H2 copy the live data into a
 * new file ({@code DEFRAG_ALWAYS=TRUE}), so a file grown by a burst of commits is its live size again
 * after the stop, with every job and result as it was.
 */
class StoreFileOnStopTest {

    private static final int JOBS = 1_200;

    @TempDir
    Path workDir;

    @Test
    void aGracefulStopLeavesAFileOfLiveDataOnly() throws Exception {
        long grown;
        try (TallyProcess tally = TallyProcess.start(workDir)) {
            awaitAllSucceeded(tally.api(), submitBurst(tally.api()));
            grown = Files.size(storeFile());
            tally.stop();
        }

        try (MVStore store = new MVStore.Builder().fileName(storeFile().toString()).readOnly().open()) {
            FileStore<?> file = store.getFileStore();
            assertThat(file.getFillRate()).as("share of the file taken by chunks").isGreaterThanOrEqualTo(95);
            assertThat(file.getChunksFillRate()).as("share of the chunks' bytes still live").isGreaterThanOrEqualTo(95);
        }
        assertThat(Files.size(storeFile())).as("file after the stop, against %,d bytes before it", grown)
                .isLessThan(grown / 2);
    }

    @Test
    void everyJobReadsTheSameAfterTheStopRewroteTheFile() throws Exception {
        Map<String, JsonNode> before = new LinkedHashMap<>();
        try (TallyProcess tally = TallyProcess.start(workDir)) {
            Api api = tally.api();
            for (String id : awaitAllSucceeded(api, submitBurst(api))) {
                before.put(id, api.get("/api/v1/jobs/" + id).json());
            }
            tally.stop();
        }

        try (TallyProcess tally = TallyProcess.start(workDir)) {
            Api api = tally.api();
            for (var job : before.entrySet()) {
                Api.Response response = api.get("/api/v1/jobs/" + job.getKey());
                assertThat(response.status()).as(job.getKey()).isEqualTo(200);
                assertThat(response.json()).as(job.getKey()).isEqualTo(job.getValue());
            }
        }
    }

    private Path storeFile() {
        return workDir.resolve("data").resolve("tally.mv.db");
    }

    /** Submits {@link #JOBS} text jobs from eight clients at once: thousands of commits, each a chunk. */
    private static List<String> submitBurst(Api api) throws Exception {
        List<Future<String>> submitted = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < JOBS; i++) {
                String text = "The committee met on day " + i + " and counted the words of report " + (i % 37) + " again";
                submitted.add(clients.submit(() -> {
                    Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
                    assertThat(response.status()).as(response.body()).isEqualTo(202);
                    return response.json().get("id").asString();
                }));
            }
        } finally {
            clients.shutdown();
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> id : submitted) {
            ids.add(id.get());
        }
        return ids;
    }

    private static List<String> awaitAllSucceeded(Api api, List<String> ids) {
        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("status").asString()).as(id).isEqualTo("SUCCEEDED");
        }
        return ids;
    }
}
