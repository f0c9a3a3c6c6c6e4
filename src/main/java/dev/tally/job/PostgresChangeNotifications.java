package dev.tally.job;

import dev.tally.signal.SurvivingTask;
import dev.tally.store.PostgresProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Carries job changes between nodes that share a PostgreSQL store: every committed change made
 * here (and every deletion) is announced with {@code NOTIFY}, and changes made elsewhere arrive
 * through {@code LISTEN} on one dedicated connection and are re-published here as
 * {@link JobChangedEvent}s and {@link JobDeletedEvent}s. Long-polls, event streams, idle workers
 * and the finished-job cache learn of a change on any node within milliseconds, without polling
 * the table.
 *
 * <p>Announcements are sent by one thread, in order: as many as are pending in one statement,
 * packed many to a notification ({@link ChangeNotices}), at most one statement per 20 ms while
 * changes keep coming, so thousands of changes a second cost at most fifty statements and
 * notifications rather than one round trip each on the thread that made the change. The queue is
 * bounded: if it is full, an announcement is dropped and other nodes fall back to their timeouts
 * (long-polls) and expiry (cache), as when the notification connection is down.
 */
@Component
@ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('jdbc:postgresql:')")
class PostgresChangeNotifications implements SmartLifecycle {

    static final String CHANNEL = "tally_job_changed";
    private static final String DELETED = "DELETED";
    private static final int MAX_PENDING = 100_000;
    private static final int MAX_PER_STATEMENT = 1_000;
    /**
     * The least time between two statements while changes keep coming: what a statement costs
     * (here a round trip, in PostgreSQL and in every listening node a notification to wake for)
     * is paid per statement, not per change, and changes made one by one would otherwise go one
     * per statement. A change after a quiet moment goes at once. At 20 ms the notification threads
     * of a node finishing ~480 jobs a second spent half the CPU they did at 5 ms (benchmarks.md,
     * 2026-12-05), and a change reaches other nodes within ~20 ms.
     */
    static final Duration MIN_SEND_INTERVAL = Duration.ofMillis(20);
    /**
     * How long the listening connection may hear nothing before it is asked whether PostgreSQL is
     * still there: a round trip per quiet period per node, and a node cut off from the others'
     * changes learns it within this and {@link #LIVENESS_TIMEOUT}.
     */
    private static final Duration QUIET_BEFORE_CHECK = Duration.ofSeconds(5);
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(PostgresChangeNotifications.class);

    private final JdbcTemplate jdbc;
    private final BlockingQueue<String> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final ApplicationEventPublisher events;
    private final String url;
    private final Properties connectionProperties = new Properties();
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private volatile boolean running;
    private final Deafness deafness = new Deafness();
    private volatile Connection connection;
    private Thread listener;
    private Thread announcer;

    PostgresChangeNotifications(JdbcTemplate jdbc, ApplicationEventPublisher events,
                                @Value("${spring.datasource.url}") String url,
                                @Value("${spring.datasource.username:}") String username,
                                @Value("${spring.datasource.password:}") String password,
                                PostgresProperties postgres) {
        this.jdbc = jdbc;
        this.events = events;
        this.url = postgres.notificationsUrl() != null ? postgres.notificationsUrl() : url;
        // As DriverManager.getConnection(url, user, password) would pass them.
        connectionProperties.put("user", username);
        connectionProperties.put("password", password);
        postgres.applyTo(connectionProperties);
    }

    @EventListener
    void announce(JobChangedEvent event) {
        if (event.local() && running) {
            enqueue(event.jobId() + ":" + event.status());
        }
    }

    @EventListener
    void announce(JobDeletedEvent event) {
        if (event.local() && running) {
            enqueue(event.jobId() + ":" + DELETED);
        }
    }

    private void enqueue(String change) {
        if (!pending.offer(change)) {
            log.debug("change notification queue full; dropping {}", change);
        }
    }

    private void sendLoop() {
        List<String> batch = new ArrayList<>(MAX_PER_STATEMENT);
        long interval = MIN_SEND_INTERVAL.toNanos();
        long lastSend = System.nanoTime() - interval;
        while (running || !pending.isEmpty()) {
            try {
                String first = pending.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long gather = lastSend + interval - System.nanoTime();
                if (gather > 0 && running) {
                    TimeUnit.NANOSECONDS.sleep(gather);
                }
                batch.add(first);
                pending.drainTo(batch, MAX_PER_STATEMENT - 1);
                lastSend = System.nanoTime();
                send(ChangeNotices.pack(node, batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Other nodes' observers fall back to their timeouts; nothing is lost.
                log.debug("could not announce {} job change(s): {}", batch.size(), e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<String> payloads) {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT pg_notify(?, payload) FROM unnest(?) AS payload")) {
                statement.setString(1, CHANNEL);
                statement.setArray(2, connection.createArrayOf("text", payloads.toArray()));
                statement.execute();
            }
            return null;
        });
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection conn = DriverManager.getConnection(url, connectionProperties)) {
                connection = conn;
                try (Statement statement = conn.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                backoff = 500;
                PGConnection pg = conn.unwrap(PGConnection.class);
                long heardAt = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        heardAt = System.nanoTime();
                        for (PGNotification notification : notifications) {
                            dispatch(notification.getParameter());
                        }
                    } else if (System.nanoTime() - heardAt > QUIET_BEFORE_CHECK.toNanos()) {
                        checkAlive(conn);
                        // One that does not hear itself stays: behind a transaction-pooling
                        // PgBouncer a new one's LISTEN would be one more server connection listening.
                        checkHearing(conn, pg);
                        heardAt = System.nanoTime();
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

    /**
     * Sends a notification with no changes (other nodes read nothing in it) and waits
     * {@link #LIVENESS_TIMEOUT} to hear it on this connection, as a session hears its own. A
     * connection that does not is listening on nothing: a PgBouncer in transaction pooling mode
     * ran its {@code LISTEN} on some server connection and hands the notifications to whichever
     * client holds that one (seen: long-polls on another node waited their whole time). Says so.
     */
    private void checkHearing(Connection conn, PGConnection pg) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
            statement.setString(1, CHANNEL);
            statement.setString(2, node);
            statement.execute();
        }
        long deadline = System.nanoTime() + LIVENESS_TIMEOUT.toNanos();
        boolean heard = false;
        for (long left = LIVENESS_TIMEOUT.toMillis(); !heard && left > 0;
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            PGNotification[] notifications = pg.getNotifications((int) left);
            for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                if (notification.getParameter().equals(node)) {
                    heard = true;
                } else {
                    dispatch(notification.getParameter());
                }
            }
        }
        deafness.heard(heard);
    }

    /**
     * Waiting for notifications only reads, and a read of a connection whose server went silent
     * just finds nothing: without asking, a listener cut off that way would hear nothing for good.
     */
    private static void checkAlive(Connection conn) throws SQLException {
        if (!conn.isValid((int) LIVENESS_TIMEOUT.toSeconds())) {
            throw new SQLException("the notification connection did not answer within " + LIVENESS_TIMEOUT.toSeconds() + " s");
        }
    }

    private void dispatch(String payload) {
        if (ChangeNotices.node(payload).equals(node)) {
            return;
        }
        ChangeNotices.read(payload).ifPresent(notice -> notice.changes().forEach(this::publish));
    }

    private void publish(String change) {
        int colon = change.indexOf(':');
        try {
            UUID id = UUID.fromString(change.substring(0, Math.max(0, colon)));
            String status = change.substring(colon + 1);
            events.publishEvent(DELETED.equals(status)
                    ? new JobDeletedEvent(id, false)
                    : new JobChangedEvent(id, JobStatus.valueOf(status), false));
        } catch (IllegalArgumentException e) {
            log.debug("ignoring malformed job change notice {}", change);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Started before and stopped after what changes jobs: the worker pools and consumers, which
     * finish or hand back their jobs while they stop (up to the shutdown grace), and the submission
     * committer, which commits while the web server drains. Stopped at the default phase, before
     * them, the changes of a draining node went unannounced, and the other nodes' long-polls and
     * event streams for those jobs waited for their deadline or the next recheck.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 6144;
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(SurvivingTask.restartingLoop("job change listener", () -> running, this::listen),
                "tally-job-notifications");
        listener.setDaemon(true);
        listener.start();
        announcer = new Thread(SurvivingTask.restartingLoop("job change announcer",
                () -> running || !pending.isEmpty(), this::sendLoop), "tally-job-announcer");
        announcer.setDaemon(true);
        announcer.start();
    }

    @Override
    public void stop() {
        running = false;
        if (announcer != null) {
            try {
                announcer.join(2_000); // what is pending still goes out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /**
     * Whether the listening connection hears notifications, said in the log: a warning when it
     * does not (at most every {@link #REMINDER}: behind a transaction-pooling PgBouncer a new
     * connection may hear itself for a while, by chance, and then not), and once per warning a
     * line when it hears again. Only the listening thread uses it.
     */
    private static final class Deafness {

        private static final Duration REMINDER = Duration.ofMinutes(10);
        private long warnedAt;
        private boolean warned;
        private boolean toldHeard = true;

        void heard(boolean heard) {
            long now = System.nanoTime();
            if (heard) {
                if (!toldHeard) {
                    log.info("the job change notification connection hears notifications again");
                    toldHeard = true;
                }
            } else if (!warned || now - warnedAt > REMINDER.toNanos()) {
                log.warn("the job change notification connection does not hear notifications, not even its own:"
                        + " this node learns of other nodes' changes only by timeouts and expiry (long-polls wait their"
                        + " whole time, finished jobs deleted elsewhere stay in its cache until they expire). A PgBouncer"
                        + " in transaction pooling mode does this, and hands the notifications to the pool's connections,"
                        + " which keep them unread until they close (the heap grows with the load): set"
                        + " tally.postgres.notifications-url to a connection to PostgreSQL itself or to a session-pooling PgBouncer");
                warned = true;
                warnedAt = now;
                toldHeard = false;
            }
        }
    }
}
