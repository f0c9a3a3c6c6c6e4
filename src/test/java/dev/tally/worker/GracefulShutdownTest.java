package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SIGTERM stops taking work, lets running jobs finish within {@code tally.worker.shutdown-grace},
 * and hands the rest back to the queue for the next start.
 */
class GracefulShutdownTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void aJobThatFinishesWithinTheGracePeriodCompletesBeforeExit() throws Exception {
        site.slowHtml("/graceful/quick.html", 1000, "<p>made it in time</p>");
        String id;
        try (TallyProcess tally = TallyProcess.start(workDir, "--tally.fetch.allow-private-networks=true",
                "--tally.worker.shutdown-grace=15s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url("/graceful/quick.html"));
            api.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            tally.stop();
        }
        try (TallyProcess tally = TallyProcess.start(workDir, "--tally.fetch.allow-private-networks=true")) {
            JsonNode job = tally.api().get("/api/v1/jobs/" + id).json();
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aJobStillRunningAfterTheGracePeriodIsHandedBackAndRunsAfterRestart() throws Exception {
        site.slowHtml("/graceful/slow.html", 8000, "<p>too slow for the grace period</p>");
        String id;
        try (TallyProcess tally = TallyProcess.start(workDir, "--tally.fetch.allow-private-networks=true",
                "--tally.worker.shutdown-grace=1s", "--tally.fetch.read-timeout=20s", "--tally.fetch.timeout=30s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url("/graceful/slow.html"));
            api.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            long start = System.nanoTime();
            tally.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
        }
        site.html("/graceful/slow.html", "<p>fast now</p>");
        try (TallyProcess tally = TallyProcess.start(workDir, "--tally.fetch.allow-private-networks=true")) {
            JsonNode job = tally.api().awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(2);
        }
    }
}
