package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A job cancelled or deleted while a worker fetches its page stops at once: the worker is free
 * for the next job long before the heartbeat (every third of the lease: here 200 s) or the fetch's
 * own timeouts (here 120 s) would have freed it. One worker, so the next job can only run on the
 * freed one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-cancel-running;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.fetch.timeout=120s",
        "tally.fetch.read-timeout=120s",
        "tally.worker.concurrency=1",
        "tally.worker.lease=600s",
        "tally.worker.poll-interval=100ms"
})
class CancelRunningJobTest {

    /** Far below the heartbeat's 200 s and the fetch's 120 s, far above a prompt stop. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @LocalServerPort
    int port;

    TestSite site = TestSite.get();

    @Test
    void cancellingAJobWhileItsPageIsFetchedFreesTheWorkerForTheNextJob() {
        Api api = new Api(port);
        String cancelled = submitAndAwaitFetch(api, "/cancel-running");

        assertThat(api.post("/api/v1/jobs/" + cancelled + "/cancel", "application/json", "").status()).isEqualTo(200);
        JsonNode next = nextJobSucceedsPromptly(api, "/cancel-running");

        assertThat(next.get("result").get("totalWords").asLong()).isEqualTo(3);
        assertThat(api.get("/api/v1/jobs/" + cancelled).json().get("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void deletingAJobWhileItsPageIsFetchedFreesTheWorkerForTheNextJob() {
        Api api = new Api(port);
        String deleted = submitAndAwaitFetch(api, "/delete-running");

        assertThat(api.delete("/api/v1/jobs/" + deleted).status()).isEqualTo(204);
        JsonNode next = nextJobSucceedsPromptly(api, "/delete-running");

        assertThat(next.get("result").get("totalWords").asLong()).isEqualTo(3);
        assertThat(api.get("/api/v1/jobs/" + deleted).status()).isEqualTo(404);
    }

    /** Submits a job for a page that answers only after 110 s; returns once the site is asked for it. */
    private String submitAndAwaitFetch(Api api, String pages) {
        TestSite.FirstRequest slow = site.trackedSlowHtml(pages + "/slow", 110_000, "<p>never counted</p>");
        String id = api.submitUrl(site.url(pages + "/slow"));
        slow.awaitArrival(Duration.ofSeconds(10));
        return id;
    }

    /** Submits a job for a three-word page and waits {@link #PROMPTLY} for it to succeed on the one worker. */
    private JsonNode nextJobSucceedsPromptly(Api api, String pages) {
        site.html(pages + "/next", "<p>next in line</p>");
        return api.awaitJob(api.submitUrl(site.url(pages + "/next")),
                job -> "SUCCEEDED".equals(job.get("status").asString()), PROMPTLY);
    }
}
