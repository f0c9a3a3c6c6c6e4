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
 * What SIGTERM does to a node that processes jobs, whatever queue feeds it: it stops taking work,
 * lets running jobs finish within {@code tally.worker.shutdown-grace}, and hands the rest back to
 * the queue for the next node (or the next start) to run. Real processes, a real HTTP site.
 */
public abstract class GracefulShutdownContract {

    @TempDir
    protected Path workDir;

    private final TestSite site = TestSite.get();

    /** Starts a Tally of the mode under test in {@link #workDir}, with {@code extra} arguments. */
    protected abstract TallyProcess start(String... extra) throws Exception;

    /** The test site's path prefix of this mode, so that modes tested at once use pages of their own. */
    protected abstract String pages();

    @Test
    public void aJobThatFinishesWithinTheGracePeriodCompletesBeforeExit() throws Exception {
        site.slowHtml(pages() + "/quick.html", 1000, "<p>made it in time</p>");
        String id;
        try (TallyProcess tally = start("--tally.worker.shutdown-grace=15s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url(pages() + "/quick.html"));
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
    public void aJobStillRunningAfterTheGracePeriodIsHandedBackAndRunsOnTheNextStart() throws Exception {
        site.slowHtml(pages() + "/slow.html", 8000, "<p>too slow for the grace period</p>");
        String id;
        try (TallyProcess tally = start("--tally.worker.shutdown-grace=1s", "--tally.fetch.read-timeout=20s",
                "--tally.fetch.timeout=30s")) {
            Api api = tally.api();
            id = api.submitUrl(site.url(pages() + "/slow.html"));
            api.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            long start = System.nanoTime();
            tally.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
        }
        site.html(pages() + "/slow.html", "<p>fast now</p>");
        try (TallyProcess tally = start()) {
            JsonNode job = tally.api().awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(2);
        }
    }
}
