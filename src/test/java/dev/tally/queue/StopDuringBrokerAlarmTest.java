package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.RabbitMemoryAlarm;
import dev.tally.support.TallyProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped (SIGTERM) while RabbitMQ blocks its publishing connection during a real resource
 * alarm, with a relay pass waiting on that connection, stops within an orchestrator's grace
 * (Kubernetes gives 30 s, then kills): the pass is interrupted rather than awaited, the blocked
 * connection's close is not awaited for 30 s. It took ~60 s before. Nothing is lost: the jobs it
 * accepted during the alarm run on a node started after it.
 */
class StopDuringBrokerAlarmTest {

    @TempDir
    Path workDir;

    @Test
    void stopsWithinAnOrchestratorsGraceWhileTheBrokerBlocksPublishingAndLosesNoJob() throws Exception {
        String schema = Infrastructure.uniqueName("alarmstop");
        String prefix = Infrastructure.uniqueName("tally-alarmstop");
        List<String> args = Infrastructure.distributedArgs(schema, prefix);
        try {
            List<String> accepted = new ArrayList<>();
            TallyProcess node = TallyProcess.start(workDir, args);
            Api api = node.api();
            accepted.add(submit(api, "before the alarm"));
            api.awaitJob(accepted.get(0), job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(20));

            Duration stop;
            try (RabbitMemoryAlarm alarm = RabbitMemoryAlarm.raise()) {
                for (int i = 0; i < 3; i++) {
                    accepted.add(submit(api, "accepted during the alarm " + i));
                }
                // The relay's pass published into the alarm: the broker blocks the connection and
                // reads nothing more from it, confirms included; readiness says so.
                await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/actuator/health/readiness").status() == 503);
                long started = System.nanoTime();
                node.stop();
                stop = Duration.ofNanos(System.nanoTime() - started);
            }

            assertThat(stop).isLessThan(Duration.ofSeconds(30));
            // The relay's pass stuck on the blocked connection was interrupted, not awaited for 10 s.
            assertThat(node.logTail()).contains("outbox relay still publishing PT2S after the stop; interrupting it");
            try (TallyProcess next = TallyProcess.start(workDir, args)) {
                for (String id : accepted) {
                    next.api().awaitJob(id, job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(30));
                }
            }
        } finally {
            Infrastructure.dropSchema(schema);
            Infrastructure.deleteRabbitNames(prefix);
        }
    }

    private static String submit(Api api, String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }
}
