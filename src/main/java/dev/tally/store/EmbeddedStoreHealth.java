package dev.tally.store;

import javax.sql.DataSource;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the embedded store is still open: the {@code embeddedStore} health component, in both
 * probe groups.
 *
 * <p>H2 closes its store for good when a write fails (a full disk, an I/O error): every later
 * statement fails with "the database has been closed" and the API answers {@code 503}, while the
 * pooled connections still pass their validity check, so the standard {@code db} component stayed
 * {@code UP} (seen: a full disk under submissions, readiness and liveness both {@code 200} with every
 * submission refused). Only a new process reopens the store, so this reports {@code DOWN} to
 * liveness as well as readiness: an orchestrator restarts Tally, and every job answered {@code 202}
 * is in the file. {@code UNKNOWN} (which does not change the aggregate) on PostgreSQL, an in-memory
 * H2 or an H2 reached through a server.
 */
@Component("embeddedStore")
class EmbeddedStoreHealth implements HealthIndicator, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStoreHealth.class);

    private final DataSource dataSource;
    /** The embedded file store, or null for any other store; found once all beans are made. */
    private volatile MVStore store;
    private volatile boolean reported;

    EmbeddedStoreHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Looks once, at start, while connections are free: a probe on a busy pool could wait for one. */
    @Override
    public void afterSingletonsInstantiated() {
        store = EmbeddedStoreHousekeeper.embeddedStore(dataSource);
    }

    @Override
    public Health health() {
        MVStore embedded = store;
        if (embedded == null) {
            return Health.unknown().withDetail("store", "not an embedded file").build();
        }
        // H2 records the failure (its "panic") before it closes the store; either is for good.
        MVStoreException cause = embedded.getPanicException();
        if (cause == null && !embedded.isClosed()) {
            return Health.up().build();
        }
        if (!reported) {
            reported = true;
            log.error("the embedded store has closed{}; jobs cannot be stored or read until Tally restarts"
                    + " (liveness and readiness now report DOWN)", cause == null ? "" : " after a failed write", cause);
        }
        return (cause == null ? Health.down() : Health.down(cause)).withDetail("store", "closed").build();
    }
}
