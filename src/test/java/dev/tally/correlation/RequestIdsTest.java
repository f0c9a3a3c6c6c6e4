package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every request has an id (the caller's {@code X-Request-Id} when it is a plausible one), answered
 * in {@code X-Request-Id} and kept with the jobs it submits, so that a job's attempt is logged with
 * the id of the request that submitted it.
 */
@TallyIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class RequestIdsTest {

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void answersASubmissionWithTheCallersRequestId() {
        Api.Response accepted = submitText("the callers id comes back", "lb-5f0c2a4e:7");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("X-Request-Id")).isEqualTo("lb-5f0c2a4e:7");
    }

    @Test
    void givesEachRequestWithoutAnIdANewOne() {
        String first = api.get("/api/v1/jobs").header("X-Request-Id");
        String second = api.get("/api/v1/jobs").header("X-Request-Id");

        assertThat(first).matches("[0-9a-f]{16}");
        assertThat(second).matches("[0-9a-f]{16}").isNotEqualTo(first);
    }

    @Test
    void replacesACallersIdThatCouldForgeALogLine() {
        String withSpaces = api.get("/api/v1/jobs", "X-Request-Id", "ok jobId=forged").header("X-Request-Id");
        String tooLong = api.get("/api/v1/jobs", "X-Request-Id", "a".repeat(65)).header("X-Request-Id");
        String longest = api.get("/api/v1/jobs", "X-Request-Id", "b".repeat(64)).header("X-Request-Id");

        assertThat(withSpaces).matches("[0-9a-f]{16}");
        assertThat(tooLong).matches("[0-9a-f]{16}");
        assertThat(longest).isEqualTo("b".repeat(64));
    }

    @Test
    void answersRefusedRequestsWithTheirIdToo() {
        Api.Response invalid = api.postJson("/api/v1/jobs", "{\"url\":\"ftp://example.com/\"}", "X-Request-Id", "refused-1");
        Api.Response missing = api.get("/api/v1/jobs/01a24bb1-7773-73ed-885c-d85e0008bc8a", "X-Request-Id", "missing-2");

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.header("X-Request-Id")).isEqualTo("refused-1");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("X-Request-Id")).isEqualTo("missing-2");
    }

    @Test
    void logsAJobsAttemptWithTheIdOfTheRequestThatSubmittedIt(CapturedOutput output) {
        String id = submitText("a worker logs the request that asked for it", "submit-7f3a").json().get("id").asString();

        awaitLogLine(output, "requestId=submit-7f3a jobId=" + id, "job succeeded: 9 words");
    }

    @Test
    void logsAnIdempotentSubmissionsJobWithItsRequestId(CapturedOutput output) {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"submitted once with a key\"}",
                "X-Request-Id", "keyed-0815", "Idempotency-Key", "request-ids-keyed-0815");

        assertThat(accepted.status()).isEqualTo(202);
        awaitLogLine(output, "requestId=keyed-0815 jobId=" + accepted.json().get("id").asString(), "job succeeded: 5 words");
    }

    @Test
    void logsACompatibleApiJobWithItsRequestId(CapturedOutput output) {
        site.html("/request-ids/compat.html", "<p>counted for the original API</p>");
        Api.Response scheduled = api.postJson("/word-count", "{\"url\":\"" + site.url("/request-ids/compat.html") + "\"}",
                "X-Request-Id", "compat-42");
        String id = scheduled.json().get("data").get("job_id").asString();

        awaitLogLine(output, "requestId=compat-42 jobId=" + id, "job succeeded: 5 words");
    }

    @Test
    void logsTheStopOfACancelledJobsAttemptWithTheIdOfTheRequestThatSubmittedIt(CapturedOutput output) {
        site.slowHtml("/request-ids/slow.html", 5_000, "<p>never counted</p>");
        String id = api.postJson("/api/v1/jobs", "{\"url\":\"" + site.url("/request-ids/slow.html") + "\"}",
                "X-Request-Id", "slow-3c").json().get("id").asString();
        api.awaitJob(id, job -> job.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));

        assertThat(api.post("/api/v1/jobs/" + id + "/cancel", "application/json", "").status()).isEqualTo(200);

        // The cancel's notice stops the attempt; the heartbeat, which finds the lease gone, can be
        // first (every second with the tests' 3 s lease) and says so in a line of its own.
        // Either line, or both, but each with the job's ids.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut().lines()
                .filter(line -> line.contains("requestId=slow-3c jobId=" + id) && line.contains("stopping its attempt")))
                .isNotEmpty());
    }

    private Api.Response submitText(String text, String requestId) {
        return api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}", "X-Request-Id", requestId);
    }

    /** Waits for a log line that has both parts (the worker logs after its result is stored). */
    private static void awaitLogLine(CapturedOutput output, String context, String message) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut().lines()
                .filter(line -> line.contains(context) && line.contains(message))).hasSize(1));
    }
}
