package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Idempotency keys, conditional GET, long-poll and the event stream over real HTTP. */
@TallyIntegrationTest
class ProtocolApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JobWatchers watchers;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void replaysTheSameJobForARepeatedIdempotencyKey() {
        String key = "order-" + System.nanoTime();
        Api.Response first = submitWithKey(key, "{\"text\":\"once only\"}");
        Api.Response second = submitWithKey(key, "{ \"text\" : \"once only\" }");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
    }

    @Test
    void rejectsAnIdempotencyKeyReusedWithADifferentBody() {
        String key = "reuse-" + System.nanoTime();
        assertThat(submitWithKey(key, "{\"text\":\"first body\"}").status()).isEqualTo(202);

        Api.Response different = submitWithKey(key, "{\"text\":\"another body\"}");

        assertThat(different.status()).isEqualTo(422);
        assertThat(different.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void createsANewJobForAnIdempotencyKeyWhoseJobWasDeleted() {
        String key = "deleted-" + System.nanoTime();
        String first = submitWithKey(key, "{\"text\":\"short lived\"}").json().get("id").asString();
        assertThat(api.delete("/api/v1/jobs/" + first).status()).isEqualTo(204);

        Api.Response again = submitWithKey(key, "{\"text\":\"short lived\"}");
        Api.Response replayed = submitWithKey(key, "{\"text\":\"short lived\"}");

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replayed")).isNull();
        assertThat(again.json().get("id").asString()).isNotEqualTo(first);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.json().get("id").asString()).isEqualTo(again.json().get("id").asString());
    }

    @Test
    void rejectsMalformedIdempotencyKeys() {
        assertThat(submitWithKey("", "{\"text\":\"x\"}").status()).isEqualTo(400);
        assertThat(submitWithKey("k".repeat(256), "{\"text\":\"x\"}").status()).isEqualTo(400);
    }

    @Test
    void longPollReturnsSoonAfterTheJobChanges() {
        // The page answers 1.5 s after the request reaches the site (within the 2 s read timeout);
        // the poll starts from that arrival, not from whenever a status poll happened to see RUNNING.
        TestSite.FirstRequest fetch = site.trackedSlowHtml("/protocol/slow.html", 1500, "<p>worth the wait</p>");
        String id = api.submitUrl(site.url("/protocol/slow.html"));
        fetch.awaitArrival(Duration.ofSeconds(10));
        Api.Response current = api.get("/api/v1/jobs/" + id);
        JsonNode running = current.json();
        String etag = current.header("ETag");

        long start = System.nanoTime();
        Api.Response answer = api.get("/api/v1/jobs/" + id + "?waitSeconds=20", "If-None-Match", etag);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(running.get("status").asString()).isEqualTo("RUNNING");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(answer.header("ETag")).isNotEqualTo(etag);
        assertThat(waited).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void longPollAnswersNotModifiedWhenNothingChangesInTime() {
        // The worker gives up on the silent page 2 s after asking for it (tally.fetch.read-timeout),
        // which changes the job. A one-second poll that ends within 1.5 s of the request's arrival at
        // the site saw nothing change, so it must answer 304 after waiting its second. A machine too
        // busy to get the poll done that soon leaves nothing to conclude: the scenario runs again
        // (at most three times) rather than reading the timeout's change as a failure. (A poll that
        // overran its wait by up to a second, as with the container's own timeout, fails here.)
        for (int round = 1; ; round++) {
            String path = "/protocol/slower-" + round + ".html";
            TestSite.FirstRequest fetch = site.trackedSlowHtml(path, 4000, "<p>slow</p>");
            String id = api.submitUrl(site.url(path));
            fetch.awaitArrival(Duration.ofSeconds(10));
            Api.Response running = api.get("/api/v1/jobs/" + id);
            String etag = running.header("ETag");

            long start = System.nanoTime();
            Api.Response answer = api.get("/api/v1/jobs/" + id + "?waitSeconds=1", "If-None-Match", etag);
            long end = System.nanoTime();
            api.awaitTerminal(id);

            if (end - fetch.arrivalNanos() < Duration.ofMillis(1500).toNanos()) {
                assertThat(running.json().get("status").asString()).isEqualTo("RUNNING");
                assertThat(answer.status()).isEqualTo(304);
                assertThat(Duration.ofNanos(end - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
                return;
            }
            assertThat(round).as("rounds in which the poll ended too late to conclude").isLessThan(3);
        }
    }

    @Test
    void longPollOnAJobDeletedMeanwhileAnswersNotFoundAtOnce() throws Exception {
        // Everything below happens within the worker's 2 s read timeout on the silent page, counted
        // from the request's arrival at the site (a timeout would change the job and end the poll).
        TestSite.FirstRequest fetch = site.trackedSlowHtml("/protocol/deleted.html", 4000, "<p>never counted</p>");
        String id = api.submitUrl(site.url("/protocol/deleted.html"));
        fetch.awaitArrival(Duration.ofSeconds(10));
        Api.Response running = api.get("/api/v1/jobs/" + id);
        assertThat(running.json().get("status").asString()).isEqualTo("RUNNING");
        String etag = running.header("ETag");
        CompletableFuture<Api.Response> parked = CompletableFuture.supplyAsync(
                () -> api.get("/api/v1/jobs/" + id + "?waitSeconds=30", "If-None-Match", etag));
        // Deleted once the long poll is registered as the job's observer, so it is the parked wait
        // that must hear of the deletion (an earlier delete would be answered by the first read).
        await().atMost(Duration.ofSeconds(5)).until(() -> watchers.parked(UUID.fromString(id)) == 1);
        assertThat(parked).isNotDone();

        long start = System.nanoTime();
        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
        Api.Response answer = parked.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void longPollOnATerminalJobAnswersAtOnce() {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"already finished\"}");
        String id = accepted.json().get("id").asString();
        api.awaitTerminal(id);

        long start = System.nanoTime();
        Api.Response answer = api.get("/api/v1/jobs/" + id + "?waitSeconds=30");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(api.get("/api/v1/jobs/" + id + "?waitSeconds=61").status()).isEqualTo(400);
    }

    @Test
    void pollOfAFinishedJobAnswersTheFullRepresentationWithValidatorsAndSecurityHeaders() {
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"Polled and polled again\"}").json().get("id").asString();
        api.awaitTerminal(id);
        String path = "/api/v1/jobs/" + id;

        Api.Response first = api.get(path);
        for (Api.Response poll : List.of(first, api.get(path, "Accept", "*/*"), api.get(path, "Accept", "application/json"),
                api.get(path + "?top=10"))) {
            assertThat(poll.status()).isEqualTo(200);
            assertThat(poll.body()).isEqualTo(first.body());
            assertThat(poll.header("Content-Type")).startsWith("application/json");
            assertThat(poll.header("Content-Length")).isEqualTo(String.valueOf(first.body().getBytes(StandardCharsets.UTF_8).length));
            assertThat(poll.header("ETag")).isEqualTo(first.header("ETag")).isNotBlank();
            assertThat(poll.header("Last-Modified")).isEqualTo(first.header("Last-Modified")).isNotBlank();
            assertThat(poll.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(poll.header("Content-Security-Policy")).contains("default-src 'none'");
        }
        JsonNode job = first.json();
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(4);
        assertThat(job.get("result").get("topWords").get(0).get("word").asString()).isEqualTo("polled");
        assertThat(job.get("result").get("topWords").get(0).get("count").asInt()).isEqualTo(2);
    }

    @Test
    void eventStreamCarriesEveryChangeAndEndsAfterTheTerminalState() throws Exception {
        site.slowHtml("/protocol/stream.html", 700, "<p>streamed result</p>");
        String id = api.submitUrl(site.url("/protocol/stream.html"));

        List<JsonNode> events = readEvents("/api/v1/jobs/" + id + "/events", null);

        assertThat(events).isNotEmpty();
        assertThat(events.get(events.size() - 1).get("status").asString()).isEqualTo("SUCCEEDED");
        List<String> statuses = events.stream().map(e -> e.get("status").asString()).toList();
        assertThat(statuses).containsSubsequence("RUNNING", "SUCCEEDED");
    }

    @Test
    void aReconnectingEventStreamStillGetsTheFinalState() throws Exception {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"reconnect later\"}");
        String id = accepted.json().get("id").asString();
        api.awaitTerminal(id);

        List<JsonNode> events = readEvents("/api/v1/jobs/" + id + "/events", "2");

        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    private Api.Response submitWithKey(String key, String body) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Reads a whole event stream (it must end by itself) and returns the job events' data. */
    private List<JsonNode> readEvents(String path, String lastEventId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<List<JsonNode>> events = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                    List<JsonNode> data = new ArrayList<>();
                    var json = JsonMapper.builder().build();
                    try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String line;
                        String event = null;
                        while ((line = reader.readLine()) != null) {
                            if (line.startsWith("event:")) {
                                event = line.substring(6).trim();
                            } else if (line.startsWith("data:") && "job".equals(event)) {
                                data.add(json.readTree(line.substring(5).trim()));
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return data;
                });
        return events.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
}
