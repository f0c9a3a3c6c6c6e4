package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TableLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A job whose result PostgreSQL lost (the session writing it ended, as in a restart or a failover;
 * the transaction's rollback then fails too) succeeds: the worker writes the result again, on
 * another session, without counting again. The store's failure is not the job's: before, the
 * worker took "JDBC rollback failed" for a failure of the job and failed it for good (11 jobs of
 * 22,302 when every session was ended twice under load); then it left the job to its lease, to be
 * fetched and counted again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ResultWriteFailureTest {

    private static final String SCHEMA = Infrastructure.uniqueName("resultwrite");

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
    void aJobWhoseResultTheStoreLostIsWrittenAgainInsteadOfFailing() throws Exception {
        Api api = new Api(port);
        String id;
        try (TableLock results = TableLock.exclusive(SCHEMA + ".job_result")) {
            Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"the result of this text is lost once\"}");
            assertThat(accepted.status()).isEqualTo(202);
            id = accepted.json().get("id").asString();

            results.endSessionWaitingWith("INSERT INTO job_result");
        }

        JsonNode job = api.awaitTerminal(id);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(8);
    }
}
