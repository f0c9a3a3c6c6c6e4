package dev.tally.security;

import java.time.Clock;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The API keys of a fresh in-memory embedded store, migrated as the service migrates its own. */
final class KeyStoreInMemory implements AutoCloseable {

    private final JdbcClient jdbc;
    private final ApiKeyStore keys;

    KeyStoreInMemory() {
        var dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).load().migrate();
        this.jdbc = JdbcClient.create(dataSource);
        this.keys = new ApiKeyStore(jdbc, Clock.systemUTC());
    }

    ApiKeyStore keys() {
        return keys;
    }

    @Override
    public void close() {
        jdbc.sql("SHUTDOWN").update();
    }
}
