package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the PostgreSQL store takes writes: the {@code storeWrites} health component, in the
 * readiness group only.
 *
 * <p>A PostgreSQL that takes no writes (a hot standby, or a role's or database's
 * {@code default_transaction_read_only}) still answers the standard {@code db} component's validity
 * check, so a node whose every submission was refused {@code 503} stayed ready (seen: a database
 * switched read-only under a running node, readiness {@code 200} throughout). Matters most where
 * only some nodes are affected: those whose sessions are still on a server that became a standby
 * after a failover moved the service's address. This asks the probe's session whether its
 * transactions are read-only, and when they are has the pool renew its sessions
 * ({@link ReadOnlySessionRenewal}, at most once a second): a node out of the balancer's rotation gets
 * no requests whose refused writes would renew them, and without this would stay out after the
 * store took writes again. Not in the liveness group: a restart does not make the store writable.
 * {@code UNKNOWN} (which does not change the aggregate) on any other store; a store that cannot be
 * reached is the {@code db} component's to report, so that is {@code UNKNOWN} here too.
 */
@Component("storeWrites")
class StoreWritesHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(StoreWritesHealth.class);

    private final DataSource dataSource;
    private volatile boolean readOnly;

    StoreWritesHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Health health() {
        if (!PostgresConnectionDefaults.appliesTo(dataSource)) {
            return Health.unknown().withDetail("store", "not PostgreSQL").build();
        }
        boolean nowReadOnly;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('transaction_read_only')")) {
            row.next();
            nowReadOnly = "on".equals(row.getString(1));
        } catch (SQLException e) {
            return Health.unknown().withDetail("store", "not reached").build();
        }
        reportChange(nowReadOnly);
        if (!nowReadOnly) {
            return Health.up().build();
        }
        if (((HikariDataSource) dataSource).getExceptionOverride() instanceof ReadOnlySessionRenewal renewal) {
            renewal.renewAtMostOnceASecond("the readiness probe found its PostgreSQL session read-only");
        }
        return Health.down().withDetail("store", "read-only").build();
    }

    private void reportChange(boolean nowReadOnly) {
        if (nowReadOnly == readOnly) {
            return;
        }
        readOnly = nowReadOnly;
        if (nowReadOnly) {
            log.warn("PostgreSQL takes no writes (the probe's session is read-only: a hot standby, or"
                    + " default_transaction_read_only): readiness reports DOWN until it takes them again");
        } else {
            log.info("PostgreSQL takes writes again: readiness no longer held DOWN by the store");
        }
    }
}
