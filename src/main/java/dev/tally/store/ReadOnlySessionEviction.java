package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Has the connection pool renew its PostgreSQL sessions once the server refused a write as
 * read-only (SQLSTATE {@code 25006}). Such a session stays read-only for as long as it lives: a
 * role's or database's {@code default_transaction_read_only} is taken when the session starts, and
 * a connection to a server that became a hot standby stays on that server after a failover moved
 * the service's address. Kept, those sessions refused writes long after the store took them again
 * (up to the pool's {@code max-lifetime}, 30 min). So the refusing connection is dropped, and every
 * other one with it (idle ones at once, busy ones when returned: they were opened under the same
 * settings, and dropping them one refused write at a time left a quiet service's next writes failing
 * on the rest), at most once a {@link #RENEWAL_INTERVAL_NANOS second}, so that a store that stays
 * read-only costs at most a pool's worth of new sessions a second. The pool logs each connection
 * dropped for a refusal at WARN ("marked as broken because of SQLSTATE(25006)").
 */
final class ReadOnlySessionEviction implements SQLExceptionOverride {

    static final long RENEWAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HikariDataSource pool;
    private final AtomicLong lastRenewal = new AtomicLong(System.nanoTime() - RENEWAL_INTERVAL_NANOS);

    ReadOnlySessionEviction(HikariDataSource pool) {
        this.pool = pool;
    }

    @java.lang.Override // spelled out: the interface has a nested type of that name
    public Override adjudicate(SQLException e) {
        if (!ReadOnlyStoreTranslation.READ_ONLY_SQL_TRANSACTION.equals(e.getSQLState())) {
            return Override.CONTINUE_EVICT;
        }
        long now = System.nanoTime();
        long last = lastRenewal.get();
        if (now - last >= RENEWAL_INTERVAL_NANOS && lastRenewal.compareAndSet(last, now)) {
            HikariPoolMXBean sessions = pool.getHikariPoolMXBean();
            if (sessions != null) {
                sessions.softEvictConnections();
            }
        }
        return Override.MUST_EVICT;
    }
}
