package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A long-poll whose wait ends while the PostgreSQL store cannot be reached: the answer at the end
 * of the wait reads the job again, and when that read fails the client is told so at once, as any
 * request is during an outage (503 problem+json with Retry-After), and the failure is logged with
 * the request's id. The jobs stay queued: an API-only node, no workers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class LongPollStoreOutageTest {

    private static final String SCHEMA = Infrastructure.uniqueName("lpoutage");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();

    /** The servlet container's own timeout, the backstop of a wait, answers five seconds after its end. */
    private static final Duration BEFORE_THE_BACKSTOP = Duration.ofSeconds(2 + 4);

    @DynamicPropertySource
    static void throughProxy(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("tally.roles", () -> "api");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        POSTGRES.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    JobWatchers watchers;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @AfterEach
    void restore() throws IOException {
        POSTGRES.restore();
        api.awaitReady();
    }

    @Test
    void answersALongPollWhoseLastReadFails503AtTheEndOfItsWait() throws Exception {
        String id = submitText("a poll that outlives the store");
        CompletableFuture<Api.Response> poll = parkedPoll(id, "lp-outage-answer");

        POSTGRES.cut();
        long cut = System.nanoTime();
        Api.Response answer = poll.get(30, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(BEFORE_THE_BACKSTOP);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.header("X-Request-Id")).isEqualTo("lp-outage-answer");
        assertThat(answer.json().get("type").asString()).isEqualTo("urn:tally:problem:unavailable");
    }

    @Test
    void logsTheFailedReadOfALongPollWithTheRequestsId(CapturedOutput output) throws Exception {
        String id = submitText("whose outage is this");
        CompletableFuture<Api.Response> poll = parkedPoll(id, "lp-outage-log");

        POSTGRES.cut();
        poll.get(30, TimeUnit.SECONDS);

        assertThat(output.getOut().lines().filter(line -> line.contains("job store unavailable")))
                .anyMatch(line -> line.contains("requestId=lp-outage-log "));
    }

    private String submitText(String text) {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().get("id").asString();
    }

    /** A two-second long-poll on a queued job, once it has parked. */
    private CompletableFuture<Api.Response> parkedPoll(String id, String requestId) {
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(
                () -> api.get("/api/v1/jobs/" + id + "?waitSeconds=2", "X-Request-Id", requestId));
        await("the long-poll to park").atMost(Duration.ofSeconds(10))
                .until(() -> watchers.parked(UUID.fromString(id)) == 1);
        return poll;
    }
}
