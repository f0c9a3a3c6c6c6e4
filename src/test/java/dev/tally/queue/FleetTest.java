package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The distributed topology as separate processes on the real PostgreSQL and RabbitMQ: two API
 * nodes and two workers. Jobs go in through both API nodes; one worker is killed with SIGKILL in
 * the middle of the run; every job still completes exactly once with the right result.
 */
class FleetTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void everyJobCompletesExactlyOnceWhenAWorkerIsKilledMidRun() throws Exception {
        String schema = Infrastructure.uniqueName("fleet");
        String prefix = Infrastructure.uniqueName("tally-fleet");
        var pageHits = new AtomicInteger();
        site.handle("/fleet/page", exchange -> {
            pageHits.incrementAndGet();
            sleep(300);
            // The page names its own path, so every job has a result that can be checked.
            byte[] body = ("<p>fleet page " + exchange.getRequestURI().getQuery().replace('=', ' ') + "</p>").getBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        List<String> common = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
        common.add("--tally.fetch.allow-private-networks=true");
        common.add("--tally.fetch.per-host-interval=0ms");
        common.add("--tally.fetch.per-host-concurrency=16");
        common.add("--tally.worker.lease=3s");
        common.add("--tally.worker.concurrency=4");

        List<TallyProcess> all = new ArrayList<>();
        try {
            TallyProcess apiA = start(all, common, "api");
            TallyProcess apiB = start(all, common, "api");
            TallyProcess workerA = start(all, common, "worker");
            TallyProcess workerB = start(all, common, "worker");
            assertThat(apiA.api().get("/api/v1/jobs").status()).isEqualTo(200);
            assertThat(workerA.api().get("/api/v1/jobs").status()).as("a worker serves no API").isEqualTo(404);
            assertThat(workerA.api().get("/").status()).as("nor the dashboard, which needs the API").isEqualTo(404);
            assertThat(workerA.api().get("/actuator/health/readiness").status()).isEqualTo(200);

            Map<String, String> expectedWordById = new HashMap<>();
            for (int i = 0; i < 120; i++) {
                Api api = i % 2 == 0 ? apiA.api() : apiB.api();
                String word = "w" + i;
                String id = api.submitUrl(site.url("/fleet/page?n=" + word));
                expectedWordById.put(id, word);
            }
            // Kill one worker while it holds jobs.
            awaitProgress(apiA.api(), 10);
            workerA.kill();

            JdbcClient jdbc = jdbc(schema);
            for (var entry : expectedWordById.entrySet()) {
                JsonNode job = withLogsOnFailure(() -> apiB.api().awaitJob(entry.getKey(),
                        j -> j.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(90)),
                        Map.of("worker A (killed)", workerA, "worker B", workerB, "api A", apiA, "api B", apiB));
                // "fleet page n wNN": 4 words, one of them the job's own
                assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(4);
                List<String> words = new ArrayList<>();
                job.get("result").get("topWords").forEach(w -> words.add(w.get("word").asString()));
                assertThat(words).contains(entry.getValue());
            }
            int results = jdbc.sql("SELECT COUNT(*) FROM job_result").query(Integer.class).single();
            assertThat(results).isEqualTo(expectedWordById.size());
            // A relay deletes the records it published when its transaction commits, which may come
            // after the job the message named has already run.
            awaitNoPendingDispatch(jdbc);
        } finally {
            for (TallyProcess process : all) {
                process.close();
            }
            Infrastructure.dropSchema(schema);
            Infrastructure.deleteRabbitNames(prefix);
        }
    }

    private TallyProcess start(List<TallyProcess> all, List<String> common, String role) throws Exception {
        TallyProcess process = TallyProcess.start(workDir, Infrastructure.withRoles(common, role));
        all.add(process);
        return process;
    }

    private static void awaitProgress(Api api, int succeeded) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode page = api.get("/api/v1/jobs?status=SUCCEEDED&limit=" + succeeded).json();
            if (page.get("items").size() >= succeeded) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("no progress");
    }

    private static void awaitNoPendingDispatch(JdbcClient jdbc) {
        long deadline = System.currentTimeMillis() + 10_000;
        int pending;
        while ((pending = jdbc.sql("SELECT COUNT(*) FROM job_dispatch").query(Integer.class).single()) > 0
                && System.currentTimeMillis() < deadline) {
            sleep(100);
        }
        assertThat(pending).as("dispatch records still pending").isZero();
    }

    /** The processes' last log lines in the failure, to tell a stranded job's story. */
    private static <T> T withLogsOnFailure(java.util.function.Supplier<T> step, Map<String, TallyProcess> processes) {
        try {
            return step.get();
        } catch (AssertionError e) {
            var story = new StringBuilder(e.getMessage());
            processes.forEach((name, process) -> story.append("\n--- ").append(name).append(" ---\n")
                    .append(process.logTail()));
            throw new AssertionError(story.toString(), e);
        }
    }

    private static JdbcClient jdbc(String schema) {
        return JdbcClient.create(Infrastructure.postgresDataSource(schema));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
