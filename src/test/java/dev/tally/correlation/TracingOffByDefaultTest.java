package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.Headers;
import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Without an OTLP endpoint nothing is traced: no tracer, no trace context stored with jobs or sent with their webhooks. */
@TallyIntegrationTest
class TracingOffByDefaultTest {

    @LocalServerPort
    int port;

    @Autowired
    Tracer tracer;

    @Autowired
    JobTraces traces;

    @Autowired
    JdbcClient jdbc;

    @Test
    void tracesNothingWithoutAnEndpoint() {
        assertThat(tracer).isSameAs(Tracer.NOOP);
        assertThat(traces.enabled()).isFalse();
    }

    @Test
    void storesNoTraceContextWithAJobWhoseRequestCameWithOneAndSendsNoneWithItsWebhook() {
        List<Headers> received = new CopyOnWriteArrayList<>();
        TestSite.get().handle("/untraced/hook", exchange -> {
            received.add(exchange.getRequestHeaders());
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        Api api = new Api(port);
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"a traced caller, an untraced service\",\"callbackUrl\":\""
                        + TestSite.get().url("/untraced/hook") + "\"}",
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").json().get("id").asString();

        api.awaitJob(id, job -> "SUCCEEDED".equals(job.get("status").asString()), Duration.ofSeconds(15));
        assertThat(jdbc.sql("SELECT trace_parent FROM job WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).optional()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
        assertThat(received.get(0).getFirst("Tally-Event")).isEqualTo("job.succeeded");
        assertThat(received.get(0).containsKey("traceparent")).isFalse();
    }
}
