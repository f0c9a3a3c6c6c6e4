package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Answers that come after the request's thread has gone, with an API key: a long-poll's and an
 * event stream's are sent in an async dispatch of the request, which must still act for the key's
 * client; and an event stream outlives its key no longer than a recheck. An API-only node, so a
 * job stays queued until the test cancels it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-key-waits;DB_CLOSE_DELAY=-1",
        "tally.roles=api",
        "tally.auth.mode=api-key",
        "tally.api.event-stream-recheck=200ms"
})
class ApiKeyWaitsTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    private final HttpClient http = HttpClient.newHttpClient();
    private Api api;
    private ApiKeyStore.CreatedKey created;
    private String key;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        created = keys.create("waiter", null);
        key = created.secret();
    }

    @Test
    void answersALongPollAtItsDeadline() throws Exception {
        String id = queuedJob();

        HttpResponse<String> answer = get("/api/v1/jobs/" + id + "?waitSeconds=1").get(10, TimeUnit.SECONDS);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"id\":\"" + id + "\"").contains("\"status\":\"QUEUED\"");
    }

    @Test
    void answersALongPollWithItsJobsChange() throws Exception {
        String id = queuedJob();
        CompletableFuture<HttpResponse<String>> waiting = get("/api/v1/jobs/" + id + "?waitSeconds=30");
        Thread.sleep(300);

        cancel(id);

        HttpResponse<String> answer = waiting.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"status\":\"CANCELLED\"");
    }

    @Test
    void endsAnEventStreamCleanlyAfterItsJobsLastState() throws Exception {
        String id = queuedJob();
        CompletableFuture<HttpResponse<String>> stream = get("/api/v1/jobs/" + id + "/events");
        Thread.sleep(300);

        cancel(id);

        HttpResponse<String> events = stream.get(10, TimeUnit.SECONDS);
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("\"status\":\"QUEUED\"").contains("\"status\":\"CANCELLED\"")
                .doesNotContain("unauthorized");
    }

    @Test
    void endsAFinishedJobsEventStreamCleanly() throws Exception {
        String id = queuedJob();
        cancel(id);

        HttpResponse<String> events = get("/api/v1/jobs/" + id + "/events").get(10, TimeUnit.SECONDS);

        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("event:job").contains("\"status\":\"CANCELLED\"").doesNotContain("unauthorized");
    }

    @Test
    void endsAnEventStreamWhoseKeyIsRevoked() throws Exception {
        String id = queuedJob();
        CompletableFuture<HttpResponse<String>> stream = get("/api/v1/jobs/" + id + "/events");
        Thread.sleep(300);

        assertThat(keys.revoke(created.info().id().toString())).isTrue();

        HttpResponse<String> events = stream.get(10, TimeUnit.SECONDS);
        assertThat(events.body()).contains("\"status\":\"QUEUED\"").doesNotContain("CANCELLED");
    }

    @Test
    void keepsTheEventStreamOfALiveKeyOpenAcrossRechecks() throws Exception {
        String id = queuedJob();
        CompletableFuture<HttpResponse<String>> stream = get("/api/v1/jobs/" + id + "/events");

        Thread.sleep(1_500); // seven rechecks
        assertThat(stream).isNotDone();

        cancel(id);
        assertThat(stream.get(10, TimeUnit.SECONDS).body()).contains("\"status\":\"CANCELLED\"");
    }

    private String queuedJob() {
        return api.postJson("/api/v1/jobs", "{\"text\":\"queued for nobody\"}", "Authorization", "Bearer " + key)
                .json().get("id").asString();
    }

    private void cancel(String id) {
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/cancel"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(200);
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        return http.sendAsync(HttpRequest.newBuilder(api.uri(path)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
