package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The pool's PostgreSQL connections get {@code tally.postgres.network-timeout} as pgjdbc's
 * {@code socketTimeout}, bound as the service binds it, and no bound values in exception messages;
 * a session refusing a write as read-only has the pool renew its sessions; other stores' pools are
 * left alone.
 */
class PostgresConnectionDefaultsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PostgresProperties.class)
    @Import(PostgresConnectionDefaults.class)
    static class Pool {

        /** Never opened: the pool connects on its first borrow, and these tests borrow nothing. */
        @Bean
        HikariDataSource dataSource(Environment environment) {
            var pool = new HikariDataSource();
            pool.setJdbcUrl(environment.getProperty("test.url"));
            if (environment.containsProperty("test.exception-override")) {
                pool.setExceptionOverrideClassName(environment.getProperty("test.exception-override"));
            }
            return pool;
        }
    }

    /** A judge an operator might name: evicts what the pool evicts by default. */
    public static class OwnJudge implements SQLExceptionOverride {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Pool.class);

    @Test
    void givesPostgresConnectionsAMinuteByDefault() {
        runner.withPropertyValues("test.url=jdbc:postgresql://db.example:5432/tally").run(context ->
                assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
                        .containsEntry("socketTimeout", "60"));
    }

    @Test
    void givesPostgresConnectionsTheConfiguredTimeout() {
        runner.withPropertyValues("test.url=jdbc:postgresql://db.example:5432/tally", "tally.postgres.network-timeout=15s")
                .run(context -> assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
                        .containsEntry("socketTimeout", "15"));
    }

    @Test
    void hasThePoolRenewItsSessionsWhenOneRefusesAWriteAsReadOnly() {
        runner.withPropertyValues("test.url=jdbc:postgresql://db.example:5432/tally").run(context -> {
            var judge = context.getBean(HikariDataSource.class).getExceptionOverride();
            assertThat(judge).isInstanceOf(ReadOnlySessionRenewal.class);
            // The pool renews every session (ReadOnlyPostgresTest); its judgement of this one is its own.
            assertThat(judge.adjudicate(new SQLException("cannot execute INSERT in a read-only transaction", "25006")))
                    .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
            assertThat(judge.adjudicate(new SQLException("duplicate key value", "23505")))
                    .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        });
    }

    @Test
    void leavesAJudgeOfBrokenConnectionsNamedInTheConfigurationInPlace() {
        runner.withPropertyValues("test.url=jdbc:postgresql://db.example:5432/tally",
                "test.exception-override=" + OwnJudge.class.getName()).run(context ->
                assertThat(context.getBean(HikariDataSource.class).getExceptionOverride()).isInstanceOf(OwnJudge.class));
    }

    @Test
    void leavesTheEmbeddedStoresConnectionsAlone() {
        // H2 refuses connection properties it does not know.
        runner.withPropertyValues("test.url=jdbc:h2:mem:network-timeout").run(context ->
                assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties()).isEmpty());
    }

    @Test
    void refusesANegativeTimeoutAtStart() {
        runner.withPropertyValues("test.url=jdbc:postgresql://db.example:5432/tally", "tally.postgres.network-timeout=-1s")
                .run(context -> assertThat(context).hasFailed());
    }
}
