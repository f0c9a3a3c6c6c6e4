package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An event stream whose job is changed on another node while this node hears no change notices
 * (its notification connection is cut, as during a network fault or a failover): the stream reads
 * its job again every {@code tally.api.event-stream-recheck} and so still tells the job's last
 * state and ends, instead of staying open, pinged, until its 30-minute timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EventStreamRecheckTest {

    private static final String SCHEMA = Infrastructure.uniqueName("recheck");
    private static final TcpProxy NOTIFICATIONS = TcpProxy.inFrontOfPostgres();

    @DynamicPropertySource
    static void deafWhenCut(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA, SCHEMA);
        registry.add("tally.postgres.notifications-url", () -> NOTIFICATIONS.postgresUrl(SCHEMA));
        registry.add("tally.api.event-stream-recheck", () -> "1s");
        registry.add("tally.roles", () -> "api");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        NOTIFICATIONS.close();
    }

    @TempDir
    Path workDir;

    @LocalServerPort
    int port;

    @Autowired
    JobWatchers watchers;

    @Test
    void endsAStreamWhoseJobWasCancelledOnANodeItDidNotHear() throws Exception {
        Api here = new Api(port);
        String id = here.postJson("/api/v1/jobs", "{\"text\":\"cancelled where nobody listens\"}").json().get("id").asString();
        CompletableFuture<HttpResponse<String>> stream = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(here.uri("/api/v1/jobs/" + id + "/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        await("the stream to park").atMost(Duration.ofSeconds(10)).until(() -> watchers.parked(UUID.fromString(id)) == 1);
        NOTIFICATIONS.cut();

        try (TallyProcess other = TallyProcess.start(workDir, "--tally.roles=api",
                "--spring.datasource.url=" + Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA,
                "--spring.datasource.username=" + Infrastructure.postgresUser(),
                "--spring.flyway.schemas=" + SCHEMA)) {
            assertThat(other.api().post("/api/v1/jobs/" + id + "/cancel", "application/json", "").status()).isEqualTo(200);

            HttpResponse<String> ended = stream.get(15, TimeUnit.SECONDS);

            assertThat(ended.statusCode()).isEqualTo(200);
            assertThat(ended.body()).contains("\"status\":\"QUEUED\"").contains("\"status\":\"CANCELLED\"");
        }
    }
}
