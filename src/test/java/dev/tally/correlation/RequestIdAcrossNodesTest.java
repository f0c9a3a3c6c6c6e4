package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's id travels with its job through PostgreSQL and RabbitMQ: the worker node that runs
 * the job, a process of its own, logs the attempt with the id of the request the API node took.
 */
class RequestIdAcrossNodesTest {

    @TempDir
    Path workDir;

    @Test
    void theWorkerNodeLogsTheJobWithTheIdOfTheRequestTheApiNodeTook() throws Exception {
        String schema = Infrastructure.uniqueName("requestids");
        String prefix = Infrastructure.uniqueName("tally-requestids");
        List<String> args = Infrastructure.distributedArgs(schema, prefix);
        try (TallyProcess apiNode = TallyProcess.start(workDir, Infrastructure.withRoles(args, "api"));
             TallyProcess workerNode = TallyProcess.start(workDir, Infrastructure.withRoles(args, "worker"))) {
            Api api = apiNode.api();
            Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"counted on the other node\"}",
                    "X-Request-Id", "edge-9c41d2");
            String id = accepted.json().get("id").asString();

            assertThat(accepted.header("X-Request-Id")).isEqualTo("edge-9c41d2");
            api.awaitJob(id, job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(workerNode.logTail().lines()
                    .filter(line -> line.contains("requestId=edge-9c41d2 jobId=" + id)
                            && line.contains("job succeeded: 5 words"))).hasSize(1));
            assertThat(apiNode.logTail()).doesNotContain("job succeeded");
        } finally {
            Infrastructure.dropSchema(schema);
            Infrastructure.deleteRabbitNames(prefix);
        }
    }
}
