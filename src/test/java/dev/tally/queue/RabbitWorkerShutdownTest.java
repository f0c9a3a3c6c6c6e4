package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SIGTERM on a node consuming the broker (real PostgreSQL and RabbitMQ, real processes): its
 * listeners stop taking messages, its worker threads finish running jobs within
 * {@code tally.worker.shutdown-grace}, and jobs still running after it go back to the queue.
 */
class RabbitWorkerShutdownTest {

    private final String schema = Infrastructure.uniqueName("shutdown");
    private final String prefix = Infrastructure.uniqueName("tally-shutdown");

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @AfterEach
    void removeTestNames() {
        Infrastructure.dropSchema(schema);
        Infrastructure.deleteRabbitNames(prefix);
    }

    @Test
    void aJobThatFinishesWithinTheGracePeriodCompletesBeforeExit() throws Exception {
        site.slowHtml("/rabbit-graceful/quick.html", 1000, "<p>made it in time</p>");
        String id;
        try (TallyProcess tally = start("--tally.worker.shutdown-grace=15s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url("/rabbit-graceful/quick.html"));
            api.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            tally.stop();
        }
        try (TallyProcess tally = start()) {
            JsonNode job = tally.api().get("/api/v1/jobs/" + id).json();
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aJobStillRunningAfterTheGracePeriodIsHandedBackAndRunsOnTheNextNode() throws Exception {
        site.slowHtml("/rabbit-graceful/slow.html", 8000, "<p>too slow for the grace period</p>");
        String id;
        try (TallyProcess tally = start("--tally.worker.shutdown-grace=1s", "--tally.fetch.read-timeout=20s",
                "--tally.fetch.timeout=30s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url("/rabbit-graceful/slow.html"));
            api.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            long start = System.nanoTime();
            tally.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
        }
        site.html("/rabbit-graceful/slow.html", "<p>fast now</p>");
        try (TallyProcess tally = start()) {
            JsonNode job = tally.api().awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(2);
        }
    }

    private TallyProcess start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
        args.add("--tally.fetch.allow-private-networks=true");
        args.addAll(List.of(extra));
        return TallyProcess.start(workDir, args);
    }
}
