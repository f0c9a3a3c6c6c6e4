package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.tally.store.PostgresProperties;
import dev.tally.support.Infrastructure;
import dev.tally.support.PgBouncer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job change notifications with a real PgBouncer in transaction pooling mode between the nodes and
 * PostgreSQL: its server connections serve whichever client is in a transaction, so a
 * {@code LISTEN} made through it is not heard by the connection that made it. The listener finds
 * that out and says what to do; given {@code tally.postgres.notifications-url} it listens on
 * PostgreSQL itself and hears what nodes send through the PgBouncer.
 */
class NotificationsThroughPgBouncerTest {

    private final List<Object> heard = new CopyOnWriteArrayList<>();
    private final List<PostgresChangeNotifications> nodes = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PostgresChangeNotifications.class);
    private PgBouncer bouncer;
    private HikariDataSource pool;

    @BeforeEach
    void startPgBouncer() throws Exception {
        bouncer = PgBouncer.transactionPooling();
        pool = new HikariDataSource();
        pool.setJdbcUrl(bouncer.url());
        pool.setUsername(Infrastructure.postgresUser());
        pool.setMaximumPoolSize(2);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopAll() throws Exception {
        logger.detachAppender(log);
        nodes.forEach(PostgresChangeNotifications::stop);
        pool.close();
        bouncer.close();
    }

    @Test
    void aListenerThatCannotHearItselfThroughTheBouncerSaysWhatToDo() throws Exception {
        startNode(bouncer.url(), null);

        // A client of the bouncer in a transaction takes the server connection the LISTEN ran on
        // (the only one idle), so notifications for the listener go to that client.
        try (Connection other = DriverManager.getConnection(bouncer.url(), Infrastructure.postgresUser(), "");
             Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("SELECT 1");

            Awaitility.await("the listener's warning").atMost(Duration.ofSeconds(20))
                    .until(() -> warnings().stream().anyMatch(line -> line.contains("does not hear notifications")));
        }
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("tally.postgres.notifications-url"));
    }

    @Test
    void aListenerGivenANotificationsUrlHearsChangesSentThroughTheBouncer() {
        startNode(bouncer.url(), Infrastructure.postgresUrl());
        PostgresChangeNotifications sender = start(bouncer.url(), null);
        UUID id = UUID.randomUUID();

        sender.announce(new JobChangedEvent(id, JobStatus.SUCCEEDED, true));

        Awaitility.await("the change to be heard").atMost(Duration.ofSeconds(10))
                .until(() -> heard.contains(new JobChangedEvent(id, JobStatus.SUCCEEDED, false)));
        assertThat(warnings()).isEmpty();
    }

    /** Starts a node and waits until it has made its LISTEN (the last statement of its server connection). */
    private PostgresChangeNotifications startNode(String url, String notificationsUrl) {
        int listening = listeners();
        PostgresChangeNotifications node = start(url, notificationsUrl);
        Awaitility.await("a LISTEN").atMost(Duration.ofSeconds(10)).until(() -> listeners() > listening);
        return node;
    }

    private PostgresChangeNotifications start(String url, String notificationsUrl) {
        var node = new PostgresChangeNotifications(new JdbcTemplate(pool), heard::add, url, Infrastructure.postgresUser(), "",
                new PostgresProperties(Duration.ofSeconds(60), notificationsUrl));
        node.start();
        nodes.add(node);
        return node;
    }

    private int listeners() {
        return Infrastructure.postgresAdmin().sql("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND query = 'LISTEN " + PostgresChangeNotifications.CHANNEL + "'").query(Integer.class).single();
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
