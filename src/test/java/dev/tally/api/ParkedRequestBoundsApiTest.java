package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.security.ApiKeyStore;
import dev.tally.support.Api;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The bounds on open long-polls and event streams, over HTTP: a client past its share gets 429, any
 * client past the node's bound 503, both problem+json with Retry-After and before anything is
 * streamed; a wait that ends gives its place back. An API-only node, so jobs stay queued and waits
 * stay open until the test cancels their job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-parked-bounds;DB_CLOSE_DELAY=-1",
        "tally.roles=api",
        "tally.auth.mode=api-key",
        "tally.api.max-parked=3",
        "tally.api.max-parked-per-client=2"
})
class ParkedRequestBoundsApiTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Autowired
    ParkedRequestLimits limits;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> jobsToCancel = new ArrayList<>();
    private final List<String> keysUsed = new ArrayList<>();

    @AfterEach
    void endEveryWait() throws InterruptedException {
        Api api = new Api(port);
        for (int i = 0; i < jobsToCancel.size(); i++) {
            api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + jobsToCancel.get(i) + "/cancel"))
                    .header("Authorization", "Bearer " + keysUsed.get(i)).POST(HttpRequest.BodyPublishers.noBody()));
        }
        await(() -> limits.parked(), 0);
    }

    @Test
    void refusesALongPollPastTheClientsShareWith429() throws Exception {
        String key = keys.create("poller", null).secret();
        String job = queuedJob(key);
        longPoll(key, job);
        longPoll(key, job);
        await(() -> limits.parked(), 2);

        HttpResponse<String> refused = longPoll(key, job).get(5, TimeUnit.SECONDS);

        assertRefused(refused, 429, "too-many-waits");
        assertThat(refused.body()).contains("2 open long-polls and event streams");
    }

    @Test
    void refusesAnEventStreamPastTheClientsShareBeforeStreaming() throws Exception {
        String key = keys.create("streamer", null).secret();
        String job = queuedJob(key);
        events(key, job);
        events(key, job);
        await(() -> limits.parked(), 2);

        HttpResponse<String> refused = events(key, job).get(5, TimeUnit.SECONDS);

        assertRefused(refused, 429, "too-many-waits");
        assertThat(refused.body()).doesNotContain("event:");
    }

    @Test
    void anotherClientWaitsWhileOneHoldsItsShare() throws Exception {
        String busy = keys.create("busy-waiter", null).secret();
        String quiet = keys.create("quiet-waiter", null).secret();
        String busyJob = queuedJob(busy);
        longPoll(busy, busyJob);
        events(busy, busyJob);
        String quietJob = queuedJob(quiet);

        CompletableFuture<HttpResponse<String>> waiting = longPoll(quiet, quietJob);

        await(() -> limits.parked(), 3);
        assertThat(waiting).as("parked, not refused").isNotDone();
    }

    @Test
    void refusesAnyClientPastTheNodesBoundWith503() throws Exception {
        String first = keys.create("first-of-three", null).secret();
        String second = keys.create("second-of-three", null).secret();
        String late = keys.create("late", null).secret();
        String firstJob = queuedJob(first);
        longPoll(first, firstJob);
        longPoll(first, firstJob);
        events(second, queuedJob(second));
        await(() -> limits.parked(), 3);

        HttpResponse<String> refused = longPoll(late, queuedJob(late)).get(5, TimeUnit.SECONDS);

        assertRefused(refused, 503, "waits-full");
        assertThat(refused.body()).contains("limit of 3");
    }

    @Test
    void aWaitThatEndsGivesItsPlaceBack() throws Exception {
        String key = keys.create("patient", null).secret();
        String job = queuedJob(key);
        HttpResponse<String> shortPoll = send(key, "/api/v1/jobs/" + job + "?waitSeconds=1").get(5, TimeUnit.SECONDS);
        assertThat(shortPoll.statusCode()).isEqualTo(200);
        longPoll(key, job);
        longPoll(key, job);

        await(() -> limits.parked(), 2);
    }

    @Test
    void aFinishedJobsStreamIsNotCountedAgainstTheShare() throws Exception {
        String key = keys.create("reader-of-finished", null).secret();
        String job = queuedJob(key);
        longPoll(key, job);
        longPoll(key, job);
        await(() -> limits.parked(), 2);
        String finished = queuedJob(key);
        Api api = new Api(port);
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + finished + "/cancel"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(200);

        HttpResponse<String> stream = events(key, finished).get(5, TimeUnit.SECONDS);

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("event:job").contains("\"status\":\"CANCELLED\"");
    }

    /** A problem+json refusal of the given type, with the Retry-After the bounds send. */
    private static void assertRefused(HttpResponse<String> refused, int status, String type) {
        assertThat(refused.statusCode()).isEqualTo(status);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(value -> assertThat(value).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(refused.body()).contains("urn:tally:problem:" + type);
    }

    private String queuedJob(String key) {
        String id = new Api(port).postJson("/api/v1/jobs", "{\"text\":\"a job no worker takes on an API-only node\"}",
                "Authorization", "Bearer " + key).json().get("id").asString();
        jobsToCancel.add(id);
        keysUsed.add(key);
        return id;
    }

    private CompletableFuture<HttpResponse<String>> longPoll(String key, String job) {
        return send(key, "/api/v1/jobs/" + job + "?waitSeconds=60");
    }

    private CompletableFuture<HttpResponse<String>> events(String key, String job) {
        return http.sendAsync(HttpRequest.newBuilder(new Api(port).uri("/api/v1/jobs/" + job + "/events"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> send(String key, String path) {
        return http.sendAsync(HttpRequest.newBuilder(new Api(port).uri(path))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(IntSupplier parked, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (parked.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("parked requests: " + parked.getAsInt() + ", expected " + expected);
            }
            Thread.sleep(20);
        }
    }
}
