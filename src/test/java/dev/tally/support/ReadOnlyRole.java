package dev.tally.support;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A PostgreSQL login role of one test class's own, whose sessions can be made read-only (its
 * {@code default_transaction_read_only}, as hosted services set when their disk is nearly full;
 * a hot standby refuses writes the same way), so that only that application's sessions are.
 */
public final class ReadOnlyRole {

    private final String name;

    /** Creates the role (a superuser, as the tests' own user is) or takes it as it is, writable. */
    public ReadOnlyRole(String name) {
        this.name = name;
        Infrastructure.postgresAdmin().sql("DO $$ BEGIN CREATE ROLE " + name
                + " LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$").update();
        writable();
    }

    /** The application's store: the tests' PostgreSQL, in {@code schema}, as this role. */
    public void register(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> Infrastructure.postgresUrl() + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> name);
        registry.add("spring.flyway.schemas", () -> schema);
    }

    /**
     * Sets the role's default, which a session takes when it starts, and has the pool of
     * {@code dataSource} renew its sessions, as a failover to a standby would: the application's
     * sessions are read-only from now on.
     */
    public void readOnly(DataSource dataSource) {
        Infrastructure.postgresAdmin().sql("ALTER ROLE " + name + " SET default_transaction_read_only = on").update();
        ((HikariDataSource) dataSource).getHikariPoolMXBean().softEvictConnections();
    }

    /** Resets the role's default; the sessions already open stay read-only until renewed. */
    public void writable() {
        Infrastructure.postgresAdmin().sql("ALTER ROLE " + name + " RESET default_transaction_read_only").update();
    }
}
