package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.store.PostgresProperties;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two nodes' change notifications over the machine's real PostgreSQL: what one node changes, the
 * other learns, in order, however many changes come at once; a node ignores its own notices;
 * changes made one by one share notifications; a node whose listening connection falls silent
 * listens again.
 * Other processes may share the channel, so only this test's job ids are looked at.
 */
class PostgresChangeNotificationsTest {

    private final JdbcTemplate jdbc = new JdbcTemplate(
            new DriverManagerDataSource(Infrastructure.postgresUrl(), Infrastructure.postgresUser(), ""));
    /** The nodes' pool: as in the service, a statement does not pay for a new connection. */
    private final HikariDataSource pool = pool();
    private final List<Object> heardByA = new CopyOnWriteArrayList<>();
    private final List<Object> heardByB = new CopyOnWriteArrayList<>();
    private final List<PostgresChangeNotifications> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(PostgresChangeNotifications::stop);
        pool.close();
    }

    @Test
    void aBurstOfChangesOnOneNodeReachesTheOtherInOrderAndNotItsSender() {
        PostgresChangeNotifications a = startNode(heardByA);
        startNode(heardByB);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ids.add(UUID.randomUUID());
        }
        Set<UUID> mine = Set.copyOf(ids);

        for (UUID id : ids) {
            a.announce(new JobChangedEvent(id, JobStatus.SUCCEEDED));
        }
        a.announce(new JobDeletedEvent(ids.get(0), true));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> heardOf(heardByB, mine).size() == ids.size() + 1);
        List<Object> heard = heardOf(heardByB, mine);
        assertThat(heard.subList(0, ids.size()))
                .isEqualTo(ids.stream().map(id -> (Object) new JobChangedEvent(id, JobStatus.SUCCEEDED, false)).toList());
        assertThat(heard.get(ids.size())).isEqualTo(new JobDeletedEvent(ids.get(0), false));
        assertThat(heardOf(heardByA, mine)).as("the sender's own notices").isEmpty();
    }

    @Test
    void changesMadeOneByOneGoOutAtMostOneNotificationPerSendInterval() throws Exception {
        PostgresChangeNotifications a = startNode(heardByA);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(UUID.randomUUID());
        }
        try (Connection listening = DriverManager.getConnection(Infrastructure.postgresUrl(), Infrastructure.postgresUser(), "")) {
            try (Statement statement = listening.createStatement()) {
                statement.execute("LISTEN " + PostgresChangeNotifications.CHANNEL);
            }
            long started = System.nanoTime();
            for (UUID id : ids) {
                a.announce(new JobChangedEvent(id, JobStatus.RUNNING));
                Thread.sleep(1);
            }
            Duration announcing = Duration.ofNanos(System.nanoTime() - started);

            List<String> payloads = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                PGNotification[] arrived = listening.unwrap(PGConnection.class).getNotifications(100);
                for (PGNotification notification : arrived == null ? new PGNotification[0] : arrived) {
                    if (ids.stream().anyMatch(id -> notification.getParameter().contains(id.toString()))) {
                        payloads.add(notification.getParameter());
                    }
                }
                return payloads.stream().mapToLong(p -> p.lines().count() - 1).sum() == ids.size();
            });
            // One statement (here one payload) per interval while changes keep coming, plus the first at once.
            long mostStatements = announcing.toNanos() / PostgresChangeNotifications.MIN_SEND_INTERVAL.toNanos() + 2;
            assertThat(payloads).hasSizeLessThanOrEqualTo((int) mostStatements);
        }
    }

    @Test
    void aNoticeInTheOneChangeFormOfEarlierVersionsIsHeard() {
        startNode(heardByB);
        UUID id = UUID.randomUUID();

        jdbc.execute("SELECT pg_notify('" + PostgresChangeNotifications.CHANNEL + "', 'oldnode1:" + id + ":RUNNING')");

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !heardOf(heardByB, Set.of(id)).isEmpty());
        assertThat(heardOf(heardByB, Set.of(id))).containsExactly(new JobChangedEvent(id, JobStatus.RUNNING, false));
    }

    @Test
    void aListenerWhoseServerFallsSilentListensAgainOnANewConnection() throws Exception {
        try (TcpProxy proxy = TcpProxy.inFrontOfPostgres()) {
            startNode(heardByB, proxy.postgresUrl(null));

            proxy.silence();

            // Notices sent while it is cut off are lost to it (as to a node that is down); one sent
            // once it listens again on a new connection is heard.
            Set<UUID> sent = ConcurrentHashMap.newKeySet();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                UUID id = UUID.randomUUID();
                sent.add(id);
                jdbc.execute("SELECT pg_notify('" + PostgresChangeNotifications.CHANNEL + "', 'othernode:" + id + ":RUNNING')");
                return !heardOf(heardByB, sent).isEmpty();
            });
        }
    }

    private PostgresChangeNotifications startNode(List<Object> heard) {
        return startNode(heard, Infrastructure.postgresUrl());
    }

    private PostgresChangeNotifications startNode(List<Object> heard, String url) {
        int listening = listeners();
        var node = new PostgresChangeNotifications(new JdbcTemplate(pool), heard::add, url,
                Infrastructure.postgresUser(), "", new PostgresProperties(Duration.ofSeconds(60), null));
        node.start();
        nodes.add(node);
        // Notices sent before its LISTEN are not for it: wait until it listens.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listeners() > listening);
        return node;
    }

    private static HikariDataSource pool() {
        var pool = new HikariDataSource();
        pool.setJdbcUrl(Infrastructure.postgresUrl());
        pool.setUsername(Infrastructure.postgresUser());
        pool.setMaximumPoolSize(2);
        return pool;
    }

    private int listeners() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE query = 'LISTEN "
                + PostgresChangeNotifications.CHANNEL + "'", Integer.class);
    }

    private static List<Object> heardOf(List<Object> heard, Set<UUID> ids) {
        return heard.stream().filter(e -> ids.contains(e instanceof JobChangedEvent c ? c.jobId()
                : e instanceof JobDeletedEvent d ? d.jobId() : null)).collect(Collectors.toList());
    }
}
