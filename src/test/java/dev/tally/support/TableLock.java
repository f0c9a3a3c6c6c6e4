package dev.tally.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.awaitility.Awaitility;

/**
 * A table of the tests' PostgreSQL held locked by a transaction of its own, so that a statement of
 * the application on it waits; and the end of the session that waits, as an administrator, a
 * restart or a failover ends it. Closing it releases the lock.
 */
public final class TableLock implements AutoCloseable {

    private final Connection connection;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    /** Locks {@code table} (schema-qualified) against every other use, reads included. */
    public static TableLock exclusive(String table) throws SQLException {
        Connection connection = Infrastructure.postgresAdminDataSource().getConnection();
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            return new TableLock(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Waits until a session waits for a lock with a statement that starts with {@code statementStart}
     * ({@code "INSERT INTO job_text"}), and ends that session ({@code pg_terminate_backend}).
     */
    public void endSessionWaitingWith(String statementStart) {
        int waiting = awaitSessionWaitingWith(statementStart);
        Infrastructure.postgresAdmin().sql("SELECT pg_terminate_backend(?)").param(waiting).query(Boolean.class).single();
    }

    /** Waits until a session waits for a lock with a statement that starts with {@code statementStart}; returns its pid. */
    public static int awaitSessionWaitingWith(String statementStart) {
        return Awaitility.await("a statement starting with " + statementStart + " to wait for the lock")
                .atMost(Duration.ofSeconds(10)).until(() -> sessionWaitingWith(statementStart), Objects::nonNull);
    }

    private static Integer sessionWaitingWith(String statementStart) {
        List<Integer> sessions = Infrastructure.postgresAdmin()
                .sql("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")
                .param(statementStart.replace("%", "\\%").replace("_", "\\_") + "%").query(Integer.class).list();
        return sessions.isEmpty() ? null : sessions.get(0);
    }

    /** Releases the lock; again is a no-op. */
    @Override
    public void close() throws SQLException {
        if (connection.isClosed()) {
            return;
        }
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
