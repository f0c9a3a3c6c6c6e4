package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * The plain submission handled before Spring MVC: the same answers as MVC's, errors included, in
 * the same metrics, and every other request left to MVC.
 */
@TallyIntegrationTest
class JobSubmitFilterTest {

    private static final String TEXT_JOB = "{\"text\":\"Submitted through the short path, counted like any other\"}";

    @LocalServerPort
    int port;

    @Autowired
    RequestBodyLimitFilter bodyLimit;

    @Autowired
    JobSubmitFilter filter;

    @Autowired
    MeterRegistry meters;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void submitsAPlainSubmissionWithoutGoingOnToMvc() throws Exception {
        var response = new MockHttpServletResponse();

        boolean passedOn = throughBodyLimitAndFilter(submission(TEXT_JOB), response);

        assertThat(passedOn).isFalse();
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getContentType()).isEqualTo("application/json");
        String id = api.awaitTerminal(jsonOf(response).get("id").asString()).get("id").asString();
        assertThat(response.getHeader("Location")).isEqualTo("/api/v1/jobs/" + id);
    }

    @Test
    void leavesEveryOtherRequestToMvc() throws Exception {
        List<Consumer<MockHttpServletRequest>> others = List.of(
                r -> r.setQueryString("via=mvc"),
                r -> r.setContentType("text/plain"),
                r -> r.setContentType("application/json;charset=ISO-8859-1"),
                r -> r.addHeader("Accept", "application/xml"),
                r -> r.addHeader("Accept", "text/csv, application/json"),
                r -> {
                    r.addHeader("Idempotency-Key", "first");
                    r.addHeader("Idempotency-Key", "second");
                },
                r -> r.setContent("{\"text\":".getBytes(StandardCharsets.UTF_8)),
                r -> r.setContent("{\"text\":\"x\",\"unknown\":1}".getBytes(StandardCharsets.UTF_8)),
                r -> r.setContent("null".getBytes(StandardCharsets.UTF_8)),
                r -> r.setContent(new byte[0]),
                r -> r.setRequestURI("/api/v1/jobs/"),
                r -> r.setMethod("PUT"));
        for (Consumer<MockHttpServletRequest> change : others) {
            MockHttpServletRequest request = submission(TEXT_JOB);
            change.accept(request);
            var response = new MockHttpServletResponse();

            boolean passedOn = throughBodyLimitAndFilter(request, response);

            assertThat(passedOn).as("%s %s?%s %s accept %s", request.getMethod(), request.getRequestURI(),
                    request.getQueryString(), request.getContentType(), request.getHeader("Accept")).isTrue();
            assertThat(response.isCommitted()).isFalse();
        }
    }

    @Test
    void answersAnAcceptedSubmissionAsMvcDoes() {
        Api.Response fast = api.postJson("/api/v1/jobs", TEXT_JOB);
        Api.Response mvc = api.postJson("/api/v1/jobs?via=mvc", TEXT_JOB);

        assertThat(fast.status()).isEqualTo(mvc.status()).isEqualTo(202);
        // MVC's converters send the body chunked; the short path with its length. Otherwise alike.
        assertThat(headerNames(fast)).isEqualTo(replace(headerNames(mvc), "transfer-encoding", "content-length"));
        assertThat(fast.header("Content-Type")).isEqualTo(mvc.header("Content-Type"));
        assertThat(fast.header("Location")).isEqualTo("/api/v1/jobs/" + fast.json().get("id").asString());
        assertThat(fieldNames(fast.json())).isEqualTo(fieldNames(mvc.json()));
        assertThat(fast.json().get("source")).isEqualTo(mvc.json().get("source"));
        assertThat(fast.json().get("status").asString()).isEqualTo("QUEUED");
    }

    @Test
    void answersRefusedSubmissionsWithMvcsProblems() {
        for (String body : List.of("{\"text\":\"\"}", "{\"url\":\"ftp://example.com/\"}", "{\"url\":\"http://a/\",\"text\":\"b\"}",
                "{\"text\":\"x\",\"unknown\":1}", "{\"text\":12345}", "[]")) {
            Api.Response fast = api.postJson("/api/v1/jobs", body);
            Api.Response mvc = api.postJson("/api/v1/jobs?via=mvc", body);

            assertThat(fast.status()).as(body).isEqualTo(mvc.status()).isBetween(400, 499);
            assertThat(withoutDate(fast)).as(body).isEqualTo(withoutDate(mvc));
            assertThat(fast.body()).as(body).isEqualTo(mvc.body());
        }
    }

    @Test
    void replaysARepeatedIdempotencyKeyOnTheShortPath() {
        String key = "short-path-" + System.nanoTime();
        Api.Response first = withKey(key, TEXT_JOB);
        Api.Response replay = withKey(key, TEXT_JOB);
        Api.Response conflict = withKey(key, "{\"text\":\"another text under the same key\"}");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(conflict.status()).isEqualTo(422);
        assertThat(conflict.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void countsASubmissionInTheRequestMetricsUnderTheJobsPattern() {
        double before = submitTimerCount();

        assertThat(api.postJson("/api/v1/jobs", TEXT_JOB).status()).isEqualTo(202);

        // The observation ends after the answer has gone out, so it may be recorded a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(submitTimerCount()).isEqualTo(before + 1));
    }

    private boolean throughBodyLimitAndFilter(MockHttpServletRequest request, MockHttpServletResponse response)
            throws Exception {
        AtomicBoolean passedOn = new AtomicBoolean();
        bodyLimit.doFilter(request, response, (rq, rs) -> filter.doFilter(rq, rs, (r, s) -> passedOn.set(true)));
        return passedOn.get();
    }

    private static MockHttpServletRequest submission(String json) {
        var request = new MockHttpServletRequest("POST", "/api/v1/jobs");
        request.setContentType("application/json");
        request.setContent(json.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    private Api.Response withKey(String key, String json) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private double submitTimerCount() {
        Timer timer = meters.find("http.server.requests").tag("uri", JobSubmitFilter.PATTERN).tag("status", "202")
                .tag("method", "POST").timer();
        return timer == null ? 0 : timer.count();
    }

    private static JsonNode jsonOf(MockHttpServletResponse response) throws Exception {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.getContentAsByteArray());
    }

    private static Set<String> headerNames(Api.Response response) {
        Set<String> names = new TreeSet<>(response.headers().map().keySet());
        names.remove("date");
        return names;
    }

    private static Set<String> replace(Set<String> names, String name, String by) {
        if (names.remove(name)) {
            names.add(by);
        }
        return names;
    }

    private static Set<String> fieldNames(JsonNode node) {
        return new TreeSet<>(node.propertyNames());
    }

    /** The headers but the date, and with the request id (new for each request) only there or not. */
    private static Map<String, List<String>> withoutDate(Api.Response response) {
        Map<String, List<String>> headers = new TreeMap<>(response.headers().map());
        headers.remove("date");
        headers.computeIfPresent("x-request-id", (header, id) -> List.of("(one per request)"));
        return headers;
    }
}
