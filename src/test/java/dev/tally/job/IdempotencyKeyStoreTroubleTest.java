package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TableLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An Idempotency-Key while the store has trouble. A submission with one that fails in the store frees its key, so that the client's
 * retry with the same key (what the 503 asks for) is taken, not told for 30 s that the first
 * request is still in flight. The store's trouble that failed the submission often fails the next
 * statement too (PostgreSQL ending every session: a failover, an administrator), so freeing the key
 * is tried again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class IdempotencyKeyStoreTroubleTest {

    private static final String SCHEMA = Infrastructure.uniqueName("idemfail");
    private static final String JOB = "{\"url\":\"https://example.com/retried-with-its-key\"}";

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA, SCHEMA);
    }

    @BeforeAll
    static void removeSchemaWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Test
    void takesTheRetryOfASubmissionWhoseStoreFailedTwiceInARow() throws Exception {
        Api api = new Api(port);
        // Admission has counted the store's jobs once (a count waits for the table as well).
        assertThat(api.postJson("/api/v1/jobs", "{\"url\":\"https://example.com/before\"}").status()).isEqualTo(202);
        Api.Response first;
        try (TableLock jobs = TableLock.exclusive(SCHEMA + ".job")) {
            CompletableFuture<Api.Response> answer = CompletableFuture.supplyAsync(
                    () -> api.postJson("/api/v1/jobs", JOB, "Idempotency-Key", "order-7731"));
            // The key is stored; the job's insert waits. Its session ends, and so does the next one,
            // which frees the key.
            TableLock.awaitSessionWaitingWith("INSERT INTO job (");
            try (TableLock keys = TableLock.exclusive(SCHEMA + ".idempotency_key")) {
                jobs.endSessionWaitingWith("INSERT INTO job (");
                jobs.close();
                keys.endSessionWaitingWith("DELETE FROM idempotency_key");
            }
            first = answer.get(30, TimeUnit.SECONDS);
        }

        Api.Response retry = api.postJson("/api/v1/jobs", JOB, "Idempotency-Key", "order-7731");

        assertThat(first.status()).isEqualTo(503);
        assertThat(retry.status()).as(retry.body()).isEqualTo(202);
    }

    @Test
    void asksTheRepeatOfARequestStillInFlightToComeBack() throws Exception {
        Api api = new Api(port);
        assertThat(api.postJson("/api/v1/jobs", "{\"url\":\"https://example.com/warm\"}").status()).isEqualTo(202);
        String job = "{\"url\":\"https://example.com/slow-to-store\"}";
        try (TableLock jobs = TableLock.exclusive(SCHEMA + ".job")) {
            CompletableFuture<Api.Response> first = CompletableFuture.supplyAsync(
                    () -> api.postJson("/api/v1/jobs", job, "Idempotency-Key", "order-7732"));
            TableLock.awaitSessionWaitingWith("INSERT INTO job (");

            Api.Response repeat = api.postJson("/api/v1/jobs", job, "Idempotency-Key", "order-7732");

            assertThat(repeat.status()).isEqualTo(409);
            assertThat(repeat.body()).contains("idempotency-in-flight");
            assertThat(repeat.header("Retry-After")).isEqualTo("2");
            jobs.close();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(202);
        }
    }
}
