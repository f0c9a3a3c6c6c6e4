package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The distributed form of {@link CancelRunningJobTest}: an API node and a worker node on real
 * PostgreSQL and RabbitMQ. A job cancelled through the API node while the worker node fetches its
 * page stops there at once (the worker node hears of it through PostgreSQL's change
 * notifications), so its one worker takes the next job long before its heartbeat (every 200 s
 * here) or the fetch's timeouts (120 s) would have freed it.
 */
class CancelRunningJobAcrossNodesTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void aJobCancelledOnTheApiNodeStopsOnTheWorkerNodeAndFreesItsWorker() throws Exception {
        String schema = Infrastructure.uniqueName("cancelnodes");
        String prefix = Infrastructure.uniqueName("tally-cancelnodes");
        List<String> args = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
        args.addAll(List.of("--tally.fetch.allow-private-networks=true", "--tally.fetch.timeout=120s",
                "--tally.fetch.read-timeout=120s", "--tally.worker.concurrency=1", "--tally.worker.lease=600s"));
        TestSite.FirstRequest slow = site.trackedSlowHtml("/cancel-nodes/slow", 110_000, "<p>never counted</p>");
        site.html("/cancel-nodes/next", "<p>next in line</p>");
        try (TallyProcess apiNode = TallyProcess.start(workDir, Infrastructure.withRoles(args, "api"));
             TallyProcess workerNode = TallyProcess.start(workDir, Infrastructure.withRoles(args, "worker"))) {
            Api api = apiNode.api();
            String cancelled = api.submitUrl(site.url("/cancel-nodes/slow"));
            slow.awaitArrival(Duration.ofSeconds(30));

            assertThat(api.post("/api/v1/jobs/" + cancelled + "/cancel", "application/json", "").status()).isEqualTo(200);
            JsonNode next = api.awaitJob(api.submitUrl(site.url("/cancel-nodes/next")),
                    job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(10));

            assertThat(next.get("result").get("totalWords").asLong()).isEqualTo(3);
            assertThat(api.get("/api/v1/jobs/" + cancelled).json().get("status").asString()).isEqualTo("CANCELLED");
            assertThat(workerNode.logTail()).contains("job " + cancelled + " was cancelled; stopping its attempt");
        } finally {
            Infrastructure.dropSchema(schema);
            Infrastructure.deleteRabbitNames(prefix);
        }
    }
}
