package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.support.Infrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On the real PostgreSQL, with a one-second network timeout: a schema migration that takes three
 * seconds still completes at start, while a statement of the running service that waits as long
 * for its answer fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class MigrationsOnPostgresTest {

    private static final String SCHEMA = Infrastructure.uniqueName("migrations");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA, SCHEMA);
        registry.add("spring.flyway.locations", () -> "classpath:db/migration,classpath:db/slow-migration");
        registry.add("tally.postgres.network-timeout", () -> "1s");
    }

    @BeforeAll
    static void removeSchemaWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void completesAMigrationLongerThanTheNetworkTimeout() {
        Boolean applied = jdbc.queryForObject(
                "SELECT success FROM flyway_schema_history WHERE version = '1000'", Boolean.class);

        assertThat(applied).isTrue();
    }

    @Test
    void givesUpOnAStatementOfTheServiceThatWaitsLongerThanTheNetworkTimeout() {
        assertThatThrownBy(() -> jdbc.execute("SELECT pg_sleep(3)"))
                .isInstanceOf(DataAccessResourceFailureException.class);
    }
}
