package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.OtlpReceiver;
import dev.tally.support.OtlpReceiver.ReceivedSpan;
import dev.tally.support.TestSite;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With tracing on, a job's attempts continue the trace of the request that submitted it: the
 * request's server span is the parent of each attempt's span, whose fetch and count are spans of
 * their own, all sent to the OTLP endpoint (here a collector played by the test).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-traces;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.fetch.per-host-interval=0ms",
        "tally.retry.max-attempts=1",
        "tally.worker.poll-interval=200ms",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=100ms"
})
class JobTracesTest {

    static final OtlpReceiver collector = new OtlpReceiver();
    static final String CALLERS_SPAN = "00f067aa0ba902b7";

    @DynamicPropertySource
    static void exportTo(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", collector::endpoint);
    }

    @AfterAll
    static void stopCollector() {
        collector.close();
    }

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void anAttemptIsAChildOfTheSpanOfTheRequestThatSubmittedItsJob() {
        String traceId = newTraceId();
        String id = submit("{\"text\":\"traced from the submission to the count\"}", sampled(traceId));
        awaitStatus(id, "SUCCEEDED");

        ReceivedSpan attempt = awaitSpan(traceId, "job attempt");
        ReceivedSpan submission = awaitSpan(traceId, s -> s.spanId().equals(attempt.parentSpanId()));
        ReceivedSpan count = awaitSpan(traceId, "count words");

        assertThat(submission.kind()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(submission.parentSpanId()).isEqualTo(CALLERS_SPAN);
        assertThat(submission.attributes()).containsEntry("method", "POST").containsEntry("uri", "/api/v1/jobs")
                .containsEntry("status", "202");
        assertThat(attempt.kind()).isEqualTo("SPAN_KIND_CONSUMER");
        assertThat(attempt.attributes()).containsEntry("tally.job.id", id).containsEntry("tally.job.attempt", "1")
                .containsEntry("tally.job.source", "text").containsEntry("tally.job.outcome", "succeeded")
                .doesNotContainKey("tally.job.error");
        assertThat(count.parentSpanId()).isEqualTo(attempt.spanId());
        assertThat(attempt.service()).isEqualTo("tally");
    }

    @Test
    void aFetchIsASpanThatNamesThePagesHostNotItsPath() {
        site.html("/traces/article.html", "<html><body><p>A page fetched under a trace.</p></body></html>");
        String traceId = newTraceId();
        String id = submit("{\"url\":\"" + site.url("/traces/article.html?token=s3cret") + "\"}", sampled(traceId));
        awaitStatus(id, "SUCCEEDED");

        ReceivedSpan attempt = awaitSpan(traceId, "job attempt");
        ReceivedSpan fetch = awaitSpan(traceId, "fetch page");
        awaitSpan(traceId, "count words");

        assertThat(fetch.parentSpanId()).isEqualTo(attempt.spanId());
        assertThat(fetch.attribute("server.address")).isEqualTo("127.0.0.1");
        assertThat(fetch.status()).isNotEqualTo("STATUS_CODE_ERROR");
        assertThat(attempt.attribute("tally.job.source")).isEqualTo("url");
        assertThat(collector.trace(traceId)).allSatisfy(span -> assertThat(span.attributes().values())
                .noneMatch(value -> value.contains("s3cret") || value.contains("article.html")));
    }

    @Test
    void aFailedFetchIsAnErrorSpanAndTheAttemptSaysHowTheJobFailed() {
        site.page("/traces/gone", 404, "text/html", "<p>gone</p>");
        String traceId = newTraceId();
        String id = submit("{\"url\":\"" + site.url("/traces/gone") + "\"}", sampled(traceId));
        awaitStatus(id, "FAILED");

        ReceivedSpan attempt = awaitSpan(traceId, "job attempt");
        ReceivedSpan fetch = awaitSpan(traceId, "fetch page");

        assertThat(fetch.status()).isEqualTo("STATUS_CODE_ERROR");
        assertThat(attempt.attributes()).containsEntry("tally.job.outcome", "failed")
                .containsEntry("tally.job.error", "HTTP_STATUS");
        assertThat(collector.trace(traceId)).noneMatch(span -> span.name().equals("count words"));
    }

    @Test
    void aSubmissionWithoutATraceStartsOneThatItsJobsAttemptContinues() {
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"no trace came with this request\"}").json().get("id").asString();
        awaitStatus(id, "SUCCEEDED");

        ReceivedSpan attempt = await().atMost(Duration.ofSeconds(10)).until(() -> collector.spans().stream()
                .filter(span -> id.equals(span.attribute("tally.job.id"))).findFirst(), Optional::isPresent).get();
        ReceivedSpan submission = awaitSpan(attempt.traceId(), s -> s.spanId().equals(attempt.parentSpanId()));

        assertThat(submission.kind()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(submission.parentSpanId()).isEmpty();
    }

    @Test
    void anAttemptOfAJobWhoseSubmissionWasNotRecordedIsNotRecordedEither() {
        String unrecorded = newTraceId();
        String first = submit("{\"text\":\"the caller chose not to record this\"}", notSampled(unrecorded));
        awaitStatus(first, "SUCCEEDED");
        String recorded = newTraceId();
        String second = submit("{\"text\":\"but this one\"}", sampled(recorded));
        awaitStatus(second, "SUCCEEDED");

        awaitSpan(recorded, "job attempt");
        assertThat(collector.trace(unrecorded)).isEmpty();
        assertThat(collector.spans()).noneMatch(span -> first.equals(span.attribute("tally.job.id")));
    }

    @Test
    void aWebhookDeliveryJoinsTheTraceAndSendsItsSpanToTheReceiver() {
        List<String> received = new CopyOnWriteArrayList<>();
        site.handle("/traces/hook", exchange -> {
            received.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        String traceId = newTraceId();
        String id = submit("{\"text\":\"announced to a traced receiver\",\"callbackUrl\":\""
                        + site.url("/traces/hook?secret=k3y") + "\"}", sampled(traceId));

        ReceivedSpan delivery = awaitSpan(traceId, "webhook delivery");
        ReceivedSpan submission = awaitSpan(traceId, s -> s.name().equals("http post /api/v1/jobs"));

        assertThat(delivery.parentSpanId()).isEqualTo(submission.spanId());
        assertThat(delivery.kind()).isEqualTo("SPAN_KIND_CLIENT");
        assertThat(delivery.attributes()).containsEntry("tally.job.id", id).containsEntry("tally.webhook.event", "job.succeeded")
                .containsEntry("tally.webhook.outcome", "delivered").containsEntry("server.address", "127.0.0.1");
        assertThat(received).containsExactly("00-" + traceId + "-" + delivery.spanId() + "-01");
        assertThat(delivery.attributes().values()).noneMatch(value -> value.contains("k3y"));
    }

    @Test
    void exportsNoSpansOfHealthProbesOrMetricScrapes() {
        String probes = newTraceId();
        api.get("/actuator/health/readiness", "traceparent", sampled(probes));
        api.get("/actuator/prometheus", "traceparent", sampled(probes));
        String poll = newTraceId();
        api.get("/api/v1/jobs", "traceparent", sampled(poll));

        awaitSpan(poll, s -> s.name().equals("http get /api/v1/jobs"));
        assertThat(collector.trace(probes)).isEmpty();
    }

    private String submit(String json, String traceParent) {
        return api.postJson("/api/v1/jobs", json, "traceparent", traceParent).json().get("id").asString();
    }

    private void awaitStatus(String id, String status) {
        api.awaitJob(id, job -> status.equals(job.get("status").asString()), Duration.ofSeconds(15));
    }

    /** A caller's span of trace {@code traceId} that the caller records, as a {@code traceparent}. */
    private static String sampled(String traceId) {
        return "00-" + traceId + "-" + CALLERS_SPAN + "-01";
    }

    /** A caller's span of trace {@code traceId} that the caller does not record. */
    private static String notSampled(String traceId) {
        return "00-" + traceId + "-" + CALLERS_SPAN + "-00";
    }

    private static String newTraceId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static ReceivedSpan awaitSpan(String traceId, String name) {
        return awaitSpan(traceId, span -> span.name().equals(name));
    }

    private static ReceivedSpan awaitSpan(String traceId, java.util.function.Predicate<ReceivedSpan> which) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> collector.trace(traceId).stream().filter(which).findFirst(), Optional::isPresent).get();
    }
}
