package dev.tally.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;
import org.springframework.stereotype.Component;

/**
 * Carries job changes between nodes that share a PostgreSQL store: every committed change made
 * here is announced with {@code NOTIFY}, and changes made elsewhere arrive through {@code LISTEN}
 * on one dedicated connection and are re-published here as {@link JobChangedEvent}s. Long-polls,
 * event streams and idle workers wake within milliseconds of a change on any node, without
 * polling the table.
 */
@Component
@ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('jdbc:postgresql:')")
class PostgresChangeNotifications implements SmartLifecycle {

    static final String CHANNEL = "tally_job_changed";
    private static final Logger log = LoggerFactory.getLogger(PostgresChangeNotifications.class);
    private static final int MAX_ANNOUNCE_BATCH = 500;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final String url;
    private final String username;
    private final String password;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final BlockingQueue<String> outgoing = new ArrayBlockingQueue<>(10_000);
    private volatile boolean running;
    private volatile Connection connection;
    private Thread listener;

    PostgresChangeNotifications(JdbcClient jdbc, ApplicationEventPublisher events,
                                @Value("${spring.datasource.url}") String url,
                                @Value("${spring.datasource.username:}") String username,
                                @Value("${spring.datasource.password:}") String password) {
        this.jdbc = jdbc;
        this.events = events;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    @EventListener
    void announce(JobChangedEvent event) {
        if (!event.local() || !running) {
            return;
        }
        if (!outgoing.offer(node + ":" + event.jobId() + ":" + event.status())) {
            // Other nodes' observers fall back to their timeouts; nothing is lost.
            log.debug("job change announcements are behind; not announcing job {}", event.jobId());
        }
    }

    /**
     * Sends the waiting announcements, many per statement. A NOTIFY is a transaction of its own
     * with a commit record to flush, so one per change would cost as much as storing a job;
     * one per batch costs next to nothing, and batches form while the previous one is sent.
     */
    private void announceWaiting() {
        List<String> batch = new ArrayList<>(MAX_ANNOUNCE_BATCH);
        while (running) {
            try {
                String first = outgoing.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outgoing.drainTo(batch, MAX_ANNOUNCE_BATCH - 1);
                String[] payloads = batch.toArray(new String[0]);
                jdbc.sql("SELECT pg_notify(:channel, payload) FROM unnest(:payloads) AS t(payload)")
                        .param("channel", CHANNEL)
                        .param("payloads", new AbstractSqlTypeValue() {
                            @Override
                            protected Object createTypeValue(Connection con, int sqlType, String typeName) throws SQLException {
                                return con.createArrayOf("text", payloads);
                            }
                        })
                        .query((rs, n) -> 1).list();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.debug("could not announce {} job change(s): {}", batch.size(), e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection conn = DriverManager.getConnection(url, username, password)) {
                connection = conn;
                try (Statement statement = conn.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                backoff = 500;
                PGConnection pg = conn.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            dispatch(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("job change notifications interrupted ({}); reconnecting in {} ms", e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                }
            } finally {
                connection = null;
            }
        }
    }

    private void dispatch(String payload) {
        String[] parts = payload.split(":");
        if (parts.length != 3 || parts[0].equals(node)) {
            return;
        }
        try {
            events.publishEvent(new JobChangedEvent(UUID.fromString(parts[1]), JobStatus.valueOf(parts[2]), false));
        } catch (IllegalArgumentException e) {
            log.debug("ignoring malformed job change notification {}", payload);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "tally-job-notifications");
        listener.setDaemon(true);
        listener.start();
        Thread announcer = new Thread(this::announceWaiting, "tally-job-announcements");
        announcer.setDaemon(true);
        announcer.start();
    }

    @Override
    public void stop() {
        running = false;
        Connection conn = connection;
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
