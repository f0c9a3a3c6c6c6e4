package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Outages of the real PostgreSQL and RabbitMQ, made by cutting the application's connections to
 * them: readiness goes DOWN and comes back by itself; submissions during a broker outage are
 * accepted and dispatched afterwards; during a store outage they get 503 with Retry-After; when the
 * store's open connections fall silent, new ones take their place within the network timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class DependencyOutageTest {

    private static final String SCHEMA = Infrastructure.uniqueName("outage");
    private static final String PREFIX = Infrastructure.uniqueName("tally-outage");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();
    private static final TcpProxy RABBIT;

    static {
        try {
            RABBIT = new TcpProxy(Infrastructure.rabbitHost(), Infrastructure.rabbitPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void throughProxies(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
        registry.add("tally.postgres.network-timeout", () -> "2s");
        registry.add("tally.queue", () -> "rabbitmq");
        registry.add("tally.rabbitmq.prefix", () -> PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "200ms");
        registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
        registry.add("spring.rabbitmq.port", RABBIT::port);
        registry.add("spring.rabbitmq.connection-timeout", () -> "2s");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @AfterAll
    static void closeProxies() throws IOException {
        POSTGRES.close();
        RABBIT.close();
    }

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @AfterEach
    void restore() throws IOException {
        POSTGRES.restore();
        RABBIT.restore();
        awaitReadiness(200);
    }

    @Test
    void acceptsJobsDuringABrokerOutageAndDispatchesThemAfterwards() throws IOException {
        RABBIT.cut();
        awaitReadiness(503);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"held in the outbox " + i + "\"}");
            assertThat(response.status()).isEqualTo(202);
            ids.add(response.json().get("id").asString());
        }
        assertThat(api.get("/api/v1/jobs/" + ids.get(0)).json().get("status").asString()).isEqualTo("QUEUED");

        RABBIT.restore();
        awaitReadiness(200);
        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void triesTheBrokerAgainOnItsBackoffNotOncePerSubmissionDuringAnOutage(CapturedOutput output) throws Exception {
        RABBIT.cut();
        long before = relayFailures(output);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(api.postJson("/api/v1/jobs", "{\"text\":\"one of a steady stream " + i + "\"}").json().get("id").asString());
            Thread.sleep(100);
        }
        // 3 s of submissions: the relay's tries fail and it waits 1 s, then 2 s (each submission
        // woke it before, and each woken try failed and logged: 30 tries and warnings).
        long tries = relayFailures(output) - before;

        RABBIT.restore();
        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(tries).isBetween(1L, 4L);
    }

    private static long relayFailures(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.contains("outbox relay could not publish")).count();
    }

    @Test
    void dispatchesAJobQueuedEarlyInALongBrokerOutageWithinSecondsOfItsEnd() throws Exception {
        RABBIT.cut();
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"waits out the whole outage\"}").json().get("id").asString();
        // Long enough for the relay's failed passes to back off to their longest wait (1, 2, 4 s,
        // then at most 5 s; it was 8 and 15 s, and the job went up to 15 s after the outage).
        Thread.sleep(16_000);

        RABBIT.restore();
        Instant restored = Instant.now();
        api.awaitJob(id, job -> job.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(30));

        // Within the relay's longest wait and the consumers' reconnection (5 s each).
        assertThat(Duration.between(restored, Instant.now())).isLessThan(Duration.ofSeconds(11));
    }

    @Test
    void dispatchesJobsAcceptedWhileTheBrokerIsSilentOnceItsConnectionIsReplaced() {
        Api.Response first = api.postJson("/api/v1/jobs", "{\"text\":\"the broker still answers\"}");
        assertThat(api.awaitTerminal(first.json().get("id").asString()).get("status").asString()).isEqualTo("SUCCEEDED");

        RABBIT.silence();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"held while the broker is silent " + i + "\"}");
            assertThat(response.status()).isEqualTo(202);
            ids.add(response.json().get("id").asString());
        }

        // Only missed heartbeats tell a silent broker from an idle one.
        for (String id : ids) {
            assertThat(api.awaitJob(id, job -> !job.get("status").asString().equals("QUEUED")
                    && !job.get("status").asString().equals("RUNNING"), Duration.ofSeconds(60)).get("status").asString())
                    .isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void answers503WithRetryAfterWhileTheStoreIsDownAndRecoversByItself() throws IOException {
        POSTGRES.cut();

        Instant start = Instant.now();
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"no store\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isNotBlank();
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(503);
        assertThat(api.get("/health").status()).isEqualTo(500);

        POSTGRES.restore();
        awaitReadiness(200);
        Api.Response after = api.postJson("/api/v1/jobs", "{\"text\":\"store is back\"}");
        assertThat(after.status()).isEqualTo(202);
        assertThat(api.awaitTerminal(after.json().get("id").asString()).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void takesJobsAgainSoonAfterTheStoresConnectionsFallSilentUnderLoad() throws InterruptedException {
        // A connection used moments ago is lent without a validity check, so a steady load keeps
        // statements going out on the connections that are about to fall silent.
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            int client = i;
            load.execute(() -> {
                for (int n = 0; loading.get(); n++) {
                    api.postJson("/api/v1/jobs", "{\"text\":\"steady load from client " + client + ", job " + n + "\"}");
                }
            });
        }
        try {
            Thread.sleep(1000);
            POSTGRES.silence();
            Instant silenced = Instant.now();

            String accepted = null;
            while (accepted == null && Duration.between(silenced, Instant.now()).compareTo(Duration.ofSeconds(40)) < 0) {
                Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"submitted after the silence\"}");
                if (response.status() == 202) {
                    accepted = response.json().get("id").asString();
                } else {
                    assertThat(response.status()).isEqualTo(503);
                    Thread.sleep(200);
                }
            }

            assertThat(accepted).as("a submission accepted within 40 s of the store falling silent").isNotNull();
            assertThat(api.awaitTerminal(accepted).get("status").asString()).isEqualTo("SUCCEEDED");
        } finally {
            loading.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private void awaitReadiness(int status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = api.get("/actuator/health/readiness").status();
            if (last == status) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("readiness stayed " + last + ", expected " + status);
    }
}
