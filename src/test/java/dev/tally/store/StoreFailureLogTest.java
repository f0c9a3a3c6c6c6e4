package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TableLock;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
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
 * A submission whose write PostgreSQL ends (an administrator terminating the session, as a failover
 * or a connection limit does) is logged without what the client sent: pgjdbc's message for a failed
 * batch entry names the statement with every value bound to it, and the pool and the transaction
 * log that message. The client gets the store outage's 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class StoreFailureLogTest {

    private static final String SCHEMA = Infrastructure.uniqueName("failurelog");
    private static final String PRIVATE_TEXT = "dear Ada the private-letter-4711 stays between us";
    private static final String CALLBACK_TOKEN = "callback-token-0815";
    private static final String URL_TOKEN = "url-token-2718";

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
    void leavesASubmittedTextAndItsCallbackUrlOutOfTheLogWhenTheStoreEndsTheWrite(CapturedOutput output) throws Exception {
        Api.Response response = submitWhileTheStoreEndsTheInsertInto("job_text",
                "{\"text\":\"" + PRIVATE_TEXT + "\",\"callbackUrl\":\"https://hooks.example.com/outcomes?token=" + CALLBACK_TOKEN + "\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(output.getOut()).contains("terminating connection due to administrator command")
                .doesNotContain("private-letter-4711")
                .doesNotContainIgnoringCase(HexFormat.of().formatHex("private-letter-4711".getBytes()))
                .doesNotContain(CALLBACK_TOKEN);
    }

    @Test
    void leavesASubmittedUrlOutOfTheLogWhenTheStoreEndsTheWrite(CapturedOutput output) throws Exception {
        Api.Response response = submitWhileTheStoreEndsTheInsertInto("job",
                "{\"url\":\"https://reports.example.com/q3?token=" + URL_TOKEN + "\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(output.getOut()).contains("terminating connection due to administrator command")
                .doesNotContain(URL_TOKEN);
    }

    /**
     * Holds {@code table} locked so the submission's insert into it waits, ends the session that
     * waits, and returns the answer the client got.
     */
    private Api.Response submitWhileTheStoreEndsTheInsertInto(String table, String json) throws Exception {
        try (TableLock lock = TableLock.exclusive(SCHEMA + "." + table)) {
            CompletableFuture<Api.Response> response = CompletableFuture.supplyAsync(
                    () -> new Api(port).postJson("/api/v1/jobs", json));
            lock.endSessionWaitingWith("INSERT INTO " + table + " (");
            lock.close(); // before the answer: the writer and the workers need the table again
            return response.get(30, TimeUnit.SECONDS);
        }
    }
}
