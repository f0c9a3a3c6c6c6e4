package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop while clients wait on a job: a long-poll and an event stream on a job that stays
 * queued (an API-only process, no workers). The web server's graceful shutdown waits for open
 * requests, so parked ones must be let go when the stop begins.
 */
class StopWithParkedRequestsTest {

    /** Far below the 30 s that the graceful shutdown waits for open requests before cutting them off. */
    private static final Duration PROMPT_STOP = Duration.ofSeconds(10);

    @TempDir
    Path workDir;

    @Test
    void answersParkedLongPollsAndEndsEventStreamsThenStopsPromptly() throws Exception {
        try (TallyProcess tally = TallyProcess.start(workDir, "--tally.roles=api",
                "--spring.datasource.url=jdbc:h2:mem:stop-parked;DB_CLOSE_DELAY=-1")) {
            Api api = tally.api();
            String id = api.postJson("/api/v1/jobs", "{\"text\":\"waiting for a worker that never comes\"}")
                    .json().get("id").asString();
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> longPoll = http.sendAsync(
                    HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "?waitSeconds=60")).build(),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> events = http.sendAsync(
                    HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/events")).build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitParked(api, 2);

            long start = System.nanoTime();
            tally.stop();
            Duration stopped = Duration.ofNanos(System.nanoTime() - start);

            assertThat(stopped).as("SIGTERM to exit").isLessThan(PROMPT_STOP);
            HttpResponse<String> answered = longPoll.get(5, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.body()).contains("\"id\":\"" + id + "\"").contains("\"status\":\"QUEUED\"");
            HttpResponse<String> ended = events.get(5, TimeUnit.SECONDS);
            assertThat(ended.statusCode()).isEqualTo(200);
            assertThat(ended.body()).as("the stream's events, then its end").contains("event:job").contains("\"status\":\"QUEUED\"");
        }
    }

    private static void awaitParked(Api api, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String metrics = api.get("/actuator/prometheus").body();
            if (metrics.lines().anyMatch(line -> line.startsWith("tally_api_parked ")
                    && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= expected)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the long-poll and the event stream did not park within 10 s");
    }
}
