package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the connection pool renew its PostgreSQL sessions once the server refused a write as
 * read-only (SQLSTATE {@code 25006}). Such a session stays read-only for as long as it lives: a
 * role's or database's {@code default_transaction_read_only} is taken when the session starts, and
 * a connection to a server that became a hot standby stays on that server after a failover moved
 * the service's address. Kept, those sessions refused writes long after the store took them again
 * (up to the pool's {@code max-lifetime}, 30 min). So every session is retired (idle ones at once,
 * busy ones when returned, the refusing one included: they were opened under the same settings,
 * and retiring them one refused write at a time left a quiet service's next writes failing on the
 * rest) and the pool opens new ones to whatever the address and the settings are now; at most once
 * a {@link #RENEWAL_INTERVAL_NANOS second}, so that a store that stays read-only costs at most a
 * pool's worth of new sessions a second. The pool's own judgement of the connection is left as it
 * is: evicting it as broken would log a warning per refused write (a worker polling for claims
 * refuses one a second) and fail the transaction's rollback. Logged at the first renewal, then at
 * most once a minute. The readiness probe's {@link StoreWritesHealth} renews them too when its session
 * is read-only, so that a node nobody sends writes to, out of the balancer's rotation for that
 * reason, still finds out when the store takes writes again.
 */
final class ReadOnlySessionRenewal implements SQLExceptionOverride {

    private static final Logger log = LoggerFactory.getLogger(ReadOnlySessionRenewal.class);

    static final long RENEWAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final HikariDataSource pool;
    private final AtomicLong lastRenewal = new AtomicLong(System.nanoTime() - RENEWAL_INTERVAL_NANOS);
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong renewals = new AtomicLong();

    ReadOnlySessionRenewal(HikariDataSource pool) {
        this.pool = pool;
    }

    @java.lang.Override // spelled out: the interface has a nested type of that name
    public Override adjudicate(SQLException e) {
        if (ReadOnlyStoreTranslation.READ_ONLY_SQL_TRANSACTION.equals(e.getSQLState())) {
            renewAtMostOnceASecond("PostgreSQL refused a write as read-only (SQLSTATE 25006)");
        }
        return Override.CONTINUE_EVICT;
    }

    /**
     * Retires the pool's sessions, unless that was done less than a second ago.
     *
     * @param seen what showed the sessions read-only, for the log
     */
    void renewAtMostOnceASecond(String seen) {
        long now = System.nanoTime();
        long last = lastRenewal.get();
        if (now - last < RENEWAL_INTERVAL_NANOS || !lastRenewal.compareAndSet(last, now)) {
            return;
        }
        HikariPoolMXBean sessions = pool.getHikariPoolMXBean();
        if (sessions == null) {
            return;
        }
        sessions.softEvictConnections();
        long count = renewals.incrementAndGet();
        long logged = lastLogged.get();
        if (now - logged >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(logged, now)) {
            log.warn("{}: the pool's sessions are renewed ({} renewals so far; at most one a second while the"
                    + " store takes no writes)", seen, count);
        }
    }
}
