package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The plain poll answered before Spring MVC: the same answer as MVC's, in the same metrics, and
 * every other request left to MVC.
 */
@TallyIntegrationTest
class JobPollFilterTest {

    @LocalServerPort
    int port;

    @Autowired
    JobPollFilter filter;

    @Autowired
    MeterRegistry meters;

    Api api;
    String id;

    @BeforeEach
    void finishedJob() {
        api = new Api(port);
        id = api.postJson("/api/v1/jobs", "{\"text\":\"a plain poll, polled plainly\"}").json().get("id").asString();
        api.awaitTerminal(id);
    }

    @Test
    void answersAPlainPollWithoutGoingOnToMvc() throws Exception {
        var response = new MockHttpServletResponse();
        AtomicBoolean passedOn = new AtomicBoolean();

        filter.doFilter(new MockHttpServletRequest("GET", "/api/v1/jobs/" + id), response, (rq, rs) -> passedOn.set(true));

        assertThat(passedOn).isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("\"status\":\"SUCCEEDED\"").contains("\"word\":\"plain\"");
        assertThat(response.getHeader("ETag")).isNotBlank();
    }

    @Test
    void leavesEveryOtherRequestToMvc() throws Exception {
        String path = "/api/v1/jobs/" + id;
        List<MockHttpServletRequest> others = List.of(
                new MockHttpServletRequest("HEAD", path),
                new MockHttpServletRequest("DELETE", path),
                withQuery(new MockHttpServletRequest("GET", path), "top=3"),
                withQuery(new MockHttpServletRequest("GET", path), "waitSeconds=5"),
                new MockHttpServletRequest("GET", path + "/words"),
                new MockHttpServletRequest("GET", path + "/"),
                new MockHttpServletRequest("GET", "/api/v1/jobs/not-a-job-id-but-thirty-six-chars-long"),
                new MockHttpServletRequest("GET", "/api/v1/jobs/" + UUID.randomUUID()),
                new MockHttpServletRequest("GET", "/api/v2/jobs/" + id),
                new MockHttpServletRequest("GET", "/api/v1/jobs"));
        for (MockHttpServletRequest request : others) {
            AtomicBoolean passedOn = new AtomicBoolean();
            var response = new MockHttpServletResponse();

            filter.doFilter(request, response, (rq, rs) -> passedOn.set(true));

            assertThat(passedOn).as("%s %s?%s", request.getMethod(), request.getRequestURI(), request.getQueryString()).isTrue();
            assertThat(response.isCommitted()).isFalse();
        }
    }

    @Test
    void answersExactlyAsMvcDoesForTheSameRepresentation() {
        String plain = "/api/v1/jobs/" + id;
        String throughMvc = plain + "?top=10";
        Api.Response first = api.get(plain);
        String etag = first.header("ETag");
        String lastModified = first.header("Last-Modified");

        for (String[] conditions : List.of(new String[0], new String[] {"If-None-Match", etag},
                new String[] {"If-None-Match", "W/" + etag}, new String[] {"If-None-Match", "\"0-10\""},
                new String[] {"If-Modified-Since", lastModified}, new String[] {"If-Match", "\"0-10\""},
                new String[] {"Accept", "text/csv"}, new String[] {"If-None-Match", etag + ", \"0-10\""},
                new String[] {"If-None-Match", etag, "If-Match", "\"0-10\""},
                new String[] {"If-None-Match", etag, "If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT"})) {
            Api.Response fast = api.get(plain, conditions);
            Api.Response mvc = api.get(throughMvc, conditions);

            assertThat(fast.status()).as(String.join(": ", conditions)).isEqualTo(mvc.status());
            assertThat(headersBesidesDate(fast)).as(String.join(": ", conditions)).isEqualTo(headersBesidesDate(mvc));
            assertThat(fast.body()).as(String.join(": ", conditions)).isEqualTo(mvc.body());
        }
        assertThat(api.get(plain, "If-None-Match", etag).status()).isEqualTo(304);
    }

    @Test
    void countsAPlainPollInTheRequestMetricsUnderTheJobPattern() {
        String etag = api.get("/api/v1/jobs/" + id).header("ETag");
        double before = pollTimerCount("304");

        assertThat(api.get("/api/v1/jobs/" + id, "If-None-Match", etag).status()).isEqualTo(304);

        // The observation ends after the answer has gone out, so it may be recorded a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pollTimerCount("304")).isEqualTo(before + 1));
    }

    @Test
    void leavesAnUnknownJobToMvcsNotFoundProblem() {
        Api.Response unknown = api.get("/api/v1/jobs/" + UUID.randomUUID());

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    }

    private double pollTimerCount(String status) {
        Timer timer = meters.find("http.server.requests").tag("uri", JobPollFilter.PATTERN).tag("status", status).timer();
        return timer == null ? 0 : timer.count();
    }

    private static MockHttpServletRequest withQuery(MockHttpServletRequest request, String query) {
        request.setQueryString(query);
        return request;
    }

    /** The headers but the date, and with the request id (new for each request) only there or not. */
    private static Map<String, List<String>> headersBesidesDate(Api.Response response) {
        Map<String, List<String>> headers = new TreeMap<>(response.headers().map());
        headers.remove("date");
        headers.computeIfPresent("x-request-id", (header, id) -> List.of("(one per request)"));
        return headers;
    }
}
