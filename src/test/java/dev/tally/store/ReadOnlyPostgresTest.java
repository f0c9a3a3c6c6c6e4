package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A real PostgreSQL that takes no writes (its login role's {@code default_transaction_read_only}
 * switched on, as hosted services do when their disk is nearly full; a hot standby refuses writes
 * with the same SQLSTATE): submissions are answered 503 problem+json with Retry-After, as in any
 * store outage, and taken again once it takes writes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadOnlyPostgresTest {

    private static final String SCHEMA = Infrastructure.uniqueName("readonly");
    /** A login role of the tests' own, so that only this application's sessions turn read-only. */
    private static final String ROLE = "tally_read_only_test";

    @DynamicPropertySource
    static void onItsOwnRole(DynamicPropertyRegistry registry) {
        admin().sql("DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
                .update();
        admin().sql("ALTER ROLE " + ROLE + " RESET default_transaction_read_only").update();
        registry.add("spring.datasource.url", () -> Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> ROLE);
        registry.add("spring.flyway.schemas", () -> SCHEMA);
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @AfterEach
    void takeWritesAgain() {
        readOnly(false);
    }

    @Test
    void answers503WithRetryAfterWhileTheStoreTakesNoWritesAndAcceptsJobsAgainAfterwards() {
        readOnly(true);
        assertThat(api.get("/api/v1/jobs?limit=1").status()).as("reads still work").isEqualTo(200);

        Api.Response refused = api.postJson("/api/v1/jobs", "{\"text\":\"a read-only store\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:tally:problem:unavailable");

        readOnly(false);
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"writable again\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode job = api.awaitTerminal(accepted.json().get("id").asString());
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
    }

    /** Sets the role's default, which a session takes when it starts, and renews the pool's sessions. */
    private void readOnly(boolean on) {
        admin().sql("ALTER ROLE " + ROLE + (on ? " SET default_transaction_read_only = on" : " RESET default_transaction_read_only"))
                .update();
        ((HikariDataSource) dataSource).getHikariPoolMXBean().softEvictConnections();
    }

    private static JdbcClient admin() {
        var admin = new PGSimpleDataSource();
        admin.setURL(Infrastructure.postgresUrl());
        admin.setUser(Infrastructure.postgresUser());
        return JdbcClient.create(admin);
    }
}
