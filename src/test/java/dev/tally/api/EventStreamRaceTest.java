package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.job.Job;
import dev.tally.job.Jobs;
import dev.tally.support.Api;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * An event stream whose job changes after the stream read it and before it is registered for
 * changes: the change is announced while nobody listens for it (on a busy cluster, a worker's
 * result lands in that window now and then). Found by a by-hand soak: streams of finished jobs
 * stayed open, pinged every 15 s, until their 30-minute timeout; and, once that was fixed, such a
 * stream ended before Spring MVC took it over, which never calls the emitter's completion callback,
 * so the stream stayed registered for its job's changes for good.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:event-stream-race;DB_CLOSE_DELAY=-1",
        "tally.roles=api"
})
class EventStreamRaceTest {

    /** Jobs to cancel in the window, just before their observer is registered. */
    static final Set<UUID> CANCEL_BEFORE_WATCHING = ConcurrentHashMap.newKeySet();

    @TestConfiguration(proxyBeanMethods = false)
    static class ChangeInTheWindow {
        @Bean
        @Primary
        JobWatchers watchersThatRegisterLate(Jobs jobs, MeterRegistry meters) {
            return new JobWatchers(jobs, meters) {
                @Override
                Runnable watch(UUID id, Consumer<Optional<Job>> onChange) {
                    if (CANCEL_BEFORE_WATCHING.remove(id)) {
                        jobs.cancel(id);
                    }
                    return super.watch(id, onChange);
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JobWatchers watchers;

    @Test
    void endsTheStreamOfAJobThatFinishedBeforeTheStreamListened() throws Exception {
        Api api = new Api(port);
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"queued with no worker to take it\"}")
                .json().get("id").asString();
        CANCEL_BEFORE_WATCHING.add(UUID.fromString(id));

        HttpResponse<String> stream = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/events")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS);

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).as("the queued state read first, then the cancellation, then the end")
                .contains("\"status\":\"QUEUED\"").contains("\"status\":\"CANCELLED\"");
        assertThat(watchers.parked(UUID.fromString(id))).as("observers of the job left once the stream ended").isZero();
    }
}
