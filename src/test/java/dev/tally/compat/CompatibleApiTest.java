package dev.tally.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.RawHttp;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The original system's end-to-end scenarios, run against Tally's compatible API. */
@TallyIntegrationTest
class CompatibleApiTest {

    @LocalServerPort
    int port;

    Api api;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void healthPassesWhenEverythingIsOnline() {
        Api.Response health = api.get("/health");

        assertThat(health.status()).isEqualTo(200);
        JsonNode body = health.json();
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("message").asString()).isEqualTo("Completed Health Check");
        assertThat(body.get("data").get("status").asString()).isEqualTo("PASS");
        assertThat(body.get("data").get("info").asString()).isEqualTo("All services are online");
    }

    @Test
    void scheduledJobIsInProgressThenCompleteWithWordCount() {
        site.slowHtml("/compat/page.html", 700, "<html><body><p>Hello world, hello Tally.</p></body></html>");
        String url = site.url("/compat/page.html");

        Api.Response scheduled = api.postJson("/word-count", "{\"url\":\"" + url + "\"}");

        assertThat(scheduled.status()).isEqualTo(202);
        JsonNode body = scheduled.json();
        String jobId = body.get("data").get("job_id").asString();
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("message").asString()).isEqualTo("Scheduled Job: " + jobId);
        assertThat(body.get("data").get("url").asString()).isEqualTo(url);
        assertThat(body.get("data").get("status").asString()).isEqualTo("IN_PROGRESS");

        JsonNode inProgress = fetchWithJsonBody(jobId);
        assertThat(inProgress.get("message").asString()).isEqualTo("Fetched Job: " + jobId);
        assertThat(inProgress.get("data").get("status").asString()).isEqualTo("IN_PROGRESS");
        assertThat(inProgress.get("data").has("word_count")).isFalse();

        JsonNode complete = awaitCompatStatus(jobId, "COMPLETE");
        JsonNode counts = complete.get("data").get("word_count");
        assertThat(counts.get("hello").asInt()).isEqualTo(2);
        assertThat(counts.get("world").asInt()).isEqualTo(1);
        assertThat(counts.get("tally").asInt()).isEqualTo(1);
        assertThat(complete.get("data").get("url").asString()).isEqualTo(url);
    }

    /**
     * The job read from the finished-jobs cache, its histogram gone from the store since (deleted
     * between the two reads): not a complete answer with no words.
     */
    @Test
    void aJobWhoseWordsAreGoneIsNotAnsweredCompleteWithoutThem() {
        String jobId = api.postJson("/api/v1/jobs", "{\"text\":\"words soon gone\"}").json().get("id").asString();
        api.awaitTerminal(jobId);
        assertThat(fetchWithJsonBody(jobId).get("data").get("word_count").size()).isEqualTo(3);
        jdbc.sql("DELETE FROM job_histogram WHERE job_id = :id").param("id", java.util.UUID.fromString(jobId)).update();
        jdbc.sql("DELETE FROM job_result WHERE job_id = :id").param("id", java.util.UUID.fromString(jobId)).update();

        Api.Response answer = api.get("/word-count?job_id=" + jobId);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("success").asBoolean()).isFalse();
        assertThat(answer.json().get("message").asString()).isEqualTo("Job not found: " + jobId);
    }

    @Test
    void unresolvableHostEndsInFailWithoutWordCount() {
        Api.Response scheduled = api.postJson("/word-count", "{\"url\":\"http://no-such-host.invalid/\"}");
        assertThat(scheduled.status()).isEqualTo(202);
        String jobId = scheduled.json().get("data").get("job_id").asString();

        JsonNode failed = awaitCompatStatus(jobId, "FAIL");

        assertThat(failed.get("success").asBoolean()).isTrue();
        assertThat(failed.get("data").has("word_count")).isFalse();
        assertThat(failed.get("data").get("error").asString()).contains("DNS");
    }

    @Test
    void acceptsTheJobIdAsAQueryParameterToo() {
        String jobId = api.postJson("/word-count", "{\"url\":\"" + site.url("/compat/query.html") + "\"}")
                .json().get("data").get("job_id").asString();

        Api.Response response = api.get("/word-count?job_id=" + jobId);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("data").get("job_id").asString()).isEqualTo(jobId);
    }

    @Test
    void compatibleJobsAreOrdinaryJobs() {
        site.html("/compat/shared.html", "<p>shared job</p>");
        String jobId = api.postJson("/word-count", "{\"url\":\"" + site.url("/compat/shared.html") + "\"}")
                .json().get("data").get("job_id").asString();

        assertThat(api.get("/api/v1/jobs/" + jobId).status()).isEqualTo(200);
    }

    @Test
    void answersJsonWhateverTheClientAcceptsAsTheOriginalDid() {
        site.html("/compat/accept.html", "<p>accept anything</p>");
        Api.Response scheduled = api.send(HttpRequest.newBuilder(api.uri("/word-count"))
                .header("Content-Type", "application/json").header("Accept", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + site.url("/compat/accept.html") + "\"}")));
        assertThat(scheduled.status()).isEqualTo(202);
        assertThat(scheduled.header("Content-Type")).startsWith("application/json");
        String jobId = scheduled.json().get("data").get("job_id").asString();

        Api.Response fetched = api.get("/word-count?job_id=" + jobId, "Accept", "text/plain");
        Api.Response unknown = api.get("/word-count?job_id=nope", "Accept", "text/plain");
        Api.Response health = api.get("/health", "Accept", "text/html");

        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("data").get("job_id").asString()).isEqualTo(jobId);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("success").asBoolean()).isFalse();
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("message").asString()).isEqualTo("Completed Health Check");
        assertThat(List.of(fetched, unknown, health))
                .allSatisfy(r -> assertThat(r.header("Content-Type")).startsWith("application/json"));
    }

    @Test
    void ignoresUnknownFieldsAsTheOriginalDid() {
        site.html("/compat/extra.html", "<p>extra</p>");
        Api.Response scheduled = api.postJson("/word-count",
                "{\"url\":\"" + site.url("/compat/extra.html") + "\",\"priority\":\"high\"}");
        assertThat(scheduled.status()).isEqualTo(202);
    }

    @Test
    void takesTheLastOfAFieldNamedTwiceAsTheOriginalDid() {
        site.html("/compat/twice.html", "<p>the last url</p>");
        Api.Response scheduled = api.postJson("/word-count",
                "{\"url\":\"not a url\",\"url\":\"" + site.url("/compat/twice.html") + "\"}");

        assertThat(scheduled.status()).isEqualTo(202);
        assertThat(scheduled.json().get("data").get("url").asString()).isEqualTo(site.url("/compat/twice.html"));
    }

    @Test
    void rejectsMissingOrInvalidUrlMentioningUrl() {
        for (String body : new String[] {"{}", "{\"url\":\"not a url\"}", "{\"url\":42}", "{\"link\":\"https://example.com\"}"}) {
            Api.Response response = api.postJson("/word-count", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().get("success").asBoolean()).isFalse();
            assertThat(response.json().get("message").asString()).containsIgnoringCase("url");
        }
    }

    @Test
    void insistsOnJsonRequests() {
        Api.Response post = api.post("/word-count", "text/plain", "url=https://example.com");
        assertThat(post.status()).isEqualTo(400);
        assertThat(post.json().get("message").asString()).isEqualTo(CompatController.JSON_REQUIRED);

        Api.Response get = api.get("/word-count");
        assertThat(get.status()).isEqualTo(400);
        assertThat(get.json().get("message").asString()).isEqualTo(CompatController.JSON_REQUIRED);
    }

    @Test
    void takesJsonSubtypesForJsonAsTheOriginalDid() {
        site.html("/compat/vnd.html", "<p>a json subtype</p>");

        Api.Response scheduled = api.post("/word-count", "application/vnd.api+json; charset=utf-8",
                "{\"url\":\"" + site.url("/compat/vnd.html") + "\"}");
        Api.Response wildcard = api.post("/word-count", "application/*", "{\"url\":\"https://example.com/\"}");

        assertThat(scheduled.status()).isEqualTo(202);
        assertThat(wildcard.status()).isEqualTo(400);
        assertThat(wildcard.json().get("message").asString()).isEqualTo(CompatController.JSON_REQUIRED);
    }

    @Test
    void unknownJobIdIsABadRequest() {
        Api.Response response = fetchRaw("{\"job_id\":\"0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e\"}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("success").asBoolean()).isFalse();
        assertThat(fetchRaw("{\"job_id\":\"nonsense\"}").status()).isEqualTo(400);
    }

    @Test
    void unreadableJobIdQueryIsABadRequestInTheOriginalEnvelope() throws Exception {
        RawHttp.RawAnswer answer = RawHttp.send(port, "GET /word-count?job_id=%zz HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("success").asBoolean()).isFalse();
        assertThat(answer.json().get("message").asString()).isEqualTo("The query string could not be read");
    }

    private JsonNode awaitCompatStatus(String jobId, String status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = fetchWithJsonBody(jobId);
            if (status.equals(last.get("data").get("status").asString())) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("job " + jobId + " never reached " + status + "; last " + last);
    }

    /** GET with a JSON body, as the original system's clients send it. */
    private JsonNode fetchWithJsonBody(String jobId) {
        Api.Response response = fetchRaw("{\"job_id\":\"" + jobId + "\"}");
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    private Api.Response fetchRaw(String body) {
        return api.send(HttpRequest.newBuilder(api.uri("/word-count"))
                .header("Content-Type", "application/json")
                .method("GET", HttpRequest.BodyPublishers.ofString(body)));
    }
}
