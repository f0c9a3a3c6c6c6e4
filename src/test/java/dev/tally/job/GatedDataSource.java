package dev.tally.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A real database behind a gate: while it is closed, connections are handed out only when it
 * opens, so a test can hold a commit in progress; while it is cut, no connection can be had,
 * as when the store is unreachable.
 */
final class GatedDataSource extends DelegatingDataSource {

    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean cut;
    private final AtomicInteger waiting = new AtomicInteger();

    GatedDataSource(DataSource database) {
        super(database);
    }

    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    void cut() {
        cut = true;
    }

    /** Threads waiting at the closed gate for a connection. */
    int waiting() {
        return waiting.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (cut) {
            throw new SQLTransientConnectionException("the store is unreachable", "08001");
        }
        waiting.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted at the gate", e);
        } finally {
            waiting.decrementAndGet();
        }
        return super.getConnection();
    }
}
