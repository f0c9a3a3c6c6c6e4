package dev.tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Lets schema migrations at start run as long as they take: the pool's PostgreSQL connections
 * give up on an answer after {@code tally.postgres.network-timeout}, which would fail a migration
 * that rewrites a large table, and with it every start until the operator raised the timeout. The
 * connections Flyway borrows have no network timeout; the pool restores it when they come back.
 * A Flyway given its own connection ({@code spring.flyway.url}) never had one.
 */
@Component
class MigrationsWithoutNetworkTimeout implements FlywayConfigurationCustomizer {

    private final DataSource pool;

    MigrationsWithoutNetworkTimeout(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        if (configuration.getDataSource() == pool && PostgresConnectionDefaults.appliesTo(pool)) {
            configuration.dataSource(new UntimedConnections(pool));
        }
    }

    /** Hands out the pool's connections with their network timeout off (JDBC's {@code 0}). */
    private static final class UntimedConnections extends DelegatingDataSource {

        UntimedConnections(DataSource pool) {
            super(pool);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return untimed(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return untimed(super.getConnection(username, password));
        }

        private static Connection untimed(Connection connection) throws SQLException {
            try {
                connection.setNetworkTimeout(Runnable::run, 0);
                return connection;
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
    }
}
