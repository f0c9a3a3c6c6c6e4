package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.job.JobStatus;
import dev.tally.job.Jobs;
import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The jobs API answers JSON (and the histogram CSV) only. An Accept it cannot honour is refused
 * with 406 before anything happens: a submission is not stored and a cancel is not made only to
 * be answered as an error, and no other representation (YAML, which a library on the class path
 * would otherwise offer) leaks out. Browsers' and libraries' usual Accept headers still get JSON.
 */
@TallyIntegrationTest
class ContentNegotiationApiTest {

    private static final String XML = "application/xml";
    private static final String TEXT_JOB = "{\"text\":\"Negotiation before action: nothing is done for a refused answer\"}";

    @LocalServerPort
    int port;

    @Autowired
    Jobs jobs;

    TestSite site = TestSite.get();

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        site.slowHtml("/negotiation/slow.html", 2_000, "<html><body><p>A page that answers slowly.</p></body></html>");
    }

    @Test
    void refusesASubmissionWhoseAnswerCannotBeAcceptedWithoutStoringIt() {
        String marker = "refused-" + UUID.randomUUID();
        Api.Response refused = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Accept", XML)
                .header("Idempotency-Key", marker)
                .POST(HttpRequest.BodyPublishers.ofString(TEXT_JOB)));

        assertThat(refused.status()).isEqualTo(406);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:tally:problem:not-acceptable");
        Api.Response retried = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", marker)
                .POST(HttpRequest.BodyPublishers.ofString(TEXT_JOB)));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.header("Idempotent-Replayed")).as("the refused request created nothing").isNull();
    }

    @Test
    void refusesACancelWhoseAnswerCannotBeAcceptedWithoutCancelling() {
        String id = queuedJob();

        Api.Response refused = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/cancel"))
                .header("Accept", XML)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(refused.status()).isEqualTo(406);
        assertThat(jobs.find(UUID.fromString(id)).orElseThrow().status()).isNotEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void refusesAPollForARepresentationItDoesNotHave() {
        String id = queuedJob();

        for (String accept : new String[] {XML, "text/csv", "text/event-stream"}) {
            Api.Response answer = api.get("/api/v1/jobs/" + id, "Accept", accept);

            assertThat(answer.status()).as(accept).isEqualTo(406);
            assertThat(answer.header("Content-Type")).as(accept).startsWith("application/problem+json");
        }
    }

    @Test
    void answersJsonNotYamlToAskersOfYaml() {
        String id = queuedJob();

        for (String path : new String[] {"/api/v1/jobs", "/api/v1/jobs/" + id, "/api/v1/jobs/" + id + "/webhooks"}) {
            assertThat(api.get(path, "Accept", "application/yaml").status()).as(path).isEqualTo(406);
        }
    }

    @Test
    void answersJsonToTheAcceptHeadersOfBrowsersAndHttpLibraries() {
        String id = queuedJob();
        String[] usual = {
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", // a browser
                "application/json, text/plain, */*", // axios
                "application/json;q=0.9",
                "*/*"};

        for (String accept : usual) {
            Api.Response poll = api.get("/api/v1/jobs/" + id, "Accept", accept);
            Api.Response list = api.get("/api/v1/jobs?limit=1", "Accept", accept);

            assertThat(poll.status()).as(accept).isEqualTo(200);
            assertThat(poll.header("Content-Type")).as(accept).startsWith("application/json");
            assertThat(poll.json().get("id").asString()).isEqualTo(id);
            assertThat(list.status()).as(accept).isEqualTo(200);
            assertThat(list.header("Content-Type")).as(accept).startsWith("application/json");
        }
    }

    /** A job of a page that takes its time, so it is not finished while the test asks about it. */
    private String queuedJob() {
        return api.submitUrl(site.url("/negotiation/slow.html"));
    }
}
