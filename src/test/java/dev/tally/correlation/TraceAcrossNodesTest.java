package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.OtlpReceiver;
import dev.tally.support.OtlpReceiver.ReceivedSpan;
import dev.tally.support.TallyProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace travels with its job through PostgreSQL and RabbitMQ: the worker node, a process of its
 * own, sends the attempt's span as a child of the span the API node made of the submission, to
 * the same collector, and logs the attempt with the trace's id. Tracing is turned on by the OTLP
 * endpoint alone.
 */
class TraceAcrossNodesTest {

    @TempDir
    Path workDir;

    @Test
    void theWorkerNodesAttemptIsAChildOfTheApiNodesSubmissionSpan() throws Exception {
        String schema = Infrastructure.uniqueName("traces");
        String prefix = Infrastructure.uniqueName("tally-traces");
        try (OtlpReceiver collector = new OtlpReceiver()) {
            List<String> args = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
            args.add("--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint());
            args.add("--management.tracing.sampling.probability=1.0");
            args.add("--management.opentelemetry.tracing.export.schedule-delay=200ms");
            try (TallyProcess apiNode = TallyProcess.start(workDir, named(Infrastructure.withRoles(args, "api"), "tally-api"));
                 TallyProcess workerNode = TallyProcess.start(workDir, named(Infrastructure.withRoles(args, "worker"), "tally-worker"))) {
                String traceId = "0af7651916cd43dd8448eb211c80319c";
                Api api = apiNode.api();
                String id = api.postJson("/api/v1/jobs", "{\"text\":\"counted on the other node\"}",
                        "traceparent", "00-" + traceId + "-b7ad6b7169203331-01").json().get("id").asString();
                api.awaitJob(id, job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(20));

                ReceivedSpan attempt = awaitSpan(collector, traceId, "job attempt");
                ReceivedSpan submission = awaitSpan(collector, traceId, "http post /api/v1/jobs");

                assertThat(submission.service()).isEqualTo("tally-api");
                assertThat(submission.parentSpanId()).isEqualTo("b7ad6b7169203331");
                assertThat(attempt.service()).isEqualTo("tally-worker");
                assertThat(attempt.parentSpanId()).isEqualTo(submission.spanId());
                assertThat(attempt.attribute("tally.job.id")).isEqualTo(id);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(workerNode.logTail().lines()
                        .filter(line -> line.contains("jobId=" + id + " traceId=" + traceId)
                                && line.contains("job succeeded: 5 words"))).hasSize(1));
            } finally {
                Infrastructure.dropSchema(schema);
                Infrastructure.deleteRabbitNames(prefix);
            }
        }
    }

    private static List<String> named(List<String> args, String name) {
        List<String> node = new ArrayList<>(args);
        node.add("--spring.application.name=" + name);
        return node;
    }

    private static ReceivedSpan awaitSpan(OtlpReceiver collector, String traceId, String name) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> collector.trace(traceId).stream()
                .filter(span -> span.name().equals(name)).findFirst(), Optional::isPresent).get();
    }
}
