package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Infrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's upkeep, on real H2 files (and a real PostgreSQL, which it must leave alone). */
class EmbeddedStoreHousekeeperTest {

    private static final StoreProperties QUICK = quickWithQuietLooksEvery(Duration.ofMillis(50));

    @TempDir
    Path dir;

    private Connection keepOpen;
    private EmbeddedStoreHousekeeper housekeeper;

    @AfterEach
    void close() throws SQLException {
        if (housekeeper != null) {
            housekeeper.stop();
        }
        if (keepOpen != null) {
            keepOpen.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void keepsTheFileBoundedWhileCommitsKeepWritingChunks() throws Exception {
        JdbcDataSource dataSource = fileDatabase("churn");
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, new SimpleMeterRegistry());
        housekeeper.start();
        Path file = dir.resolve("churn.mv.db");
        long sizeAfter100Mb = 0;
        long written;
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE job_like(id INT PRIMARY KEY, status VARCHAR(16), result VARCHAR(400))");
            try (var insert = connection.prepareStatement("INSERT INTO job_like VALUES (?, 'QUEUED', NULL)")) {
                for (int id = 0; id < 5_000; id++) {
                    insert.setInt(1, id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // Every auto-committed update writes a chunk of its own (WRITE_DELAY=0), as the job paths do.
            try (var update = connection.prepareStatement("UPDATE job_like SET status = ?, result = ? WHERE id = ?")) {
                written = 0;
                for (int i = 1; i <= 400_000 && written < 400_000_000L; i++) {
                    update.setString(1, i % 2 == 0 ? "RUNNING" : "SUCCEEDED");
                    update.setString(2, "{\"the\":" + i + ",\"quick\":2,\"brown\":1,\"fox\":1}".repeat(8));
                    update.setInt(3, ThreadLocalRandom.current().nextInt(5_000));
                    update.executeUpdate();
                    if (i % 1_000 == 0) {
                        written = writtenBytes(connection);
                        if (sizeAfter100Mb == 0 && written >= 100_000_000L) {
                            sizeAfter100Mb = Files.size(file);
                        }
                    }
                }
            }
        }
        long size = Files.size(file);

        // Without the upkeep the file holds every byte written (measured: 204 MB after 204 MB);
        // with it, 21 MB after 102 MB and 23 MB after 339 MB. How closely the upkeep keeps up
        // depends on the CPU its thread gets beside the writing one (once, right after a CI run:
        // 8 MB after 100 MB, 20 MB after 400 MB), so the bound is on the share of the writes kept.
        assertThat(written).as("bytes the commits wrote").isGreaterThanOrEqualTo(400_000_000L);
        assertThat(size).as("file size").isLessThan(written / 10);
        assertThat(size - sizeAfter100Mb).as("file growth over the last 300 MB written")
                .isLessThan((written - 100_000_000L) / 10);
    }

    @Test
    void compactsTheChunksOfAStoreThatWentQuiet() throws Exception {
        JdbcDataSource dataSource = fileDatabase("quietburst");
        var meters = new SimpleMeterRegistry();
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, meters);
        // Written before the upkeep starts, so the chunks are as a burst leaves them: mostly dead.
        burstThenDeleteMostJobs(dataSource);

        housekeeper.start();

        // Both in one wait: a step's commit raises the live share before the step's timer records it.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(meters.get("tally.store.chunks.fill").gauge().value()).as("live share of the chunks' bytes")
                    .isGreaterThanOrEqualTo(CompactionRounds.TARGET_FILL_PERCENT);
            assertThat(meters.get("tally.store.quiet.compaction").timer().count()).as("quiet steps").isPositive();
        });
        try (Connection connection = dataSource.getConnection();
             var count = connection.createStatement().executeQuery("SELECT COUNT(*), SUM(LENGTH(result)) FROM job_like")) {
            count.next();
            assertThat(count.getLong(1)).as("jobs kept").isEqualTo(KEPT_JOBS);
            assertThat(count.getLong(2)).as("their results, whole").isEqualTo(KEPT_JOBS * RESULT.length());
        }
    }

    /** A nearly full disk leaves no other room than the dead bytes of chunks fuller than the usual target. */
    @Test
    void reclaimsTheDeadBytesOfFullerChunksWhileTheStoreIsShortOfRoom() throws Exception {
        JdbcDataSource dataSource = fileDatabase("tight");
        var meters = new SimpleMeterRegistry();
        AtomicBoolean shortOfRoom = new AtomicBoolean();
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, meters, shortOfRoom::get);
        burstThenDelete(dataSource, "MOD(id, 4) = 0");
        housekeeper.start();
        Thread.sleep(2_000);
        double usual = meters.get("tally.store.chunks.fill").gauge().value();
        assertThat(usual).as("a quarter dead: past the usual target").isGreaterThan(CompactionRounds.TARGET_FILL_PERCENT);

        shortOfRoom.set(true);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(meters.get("tally.store.chunks.fill").gauge().value()).as("live share of the chunks' bytes")
                        .isGreaterThanOrEqualTo(85));
    }

    @Test
    void leavesAQuietStoresChunksAsTheyAreWhenQuietCompactionIsOff() throws Exception {
        JdbcDataSource dataSource = fileDatabase("quietoff");
        var meters = new SimpleMeterRegistry();
        housekeeper = new EmbeddedStoreHousekeeper(dataSource,
                quickWithQuietLooksEvery(Duration.ZERO), meters);
        // Written before the upkeep starts, so the chunks are as a burst leaves them: mostly dead.
        burstThenDeleteMostJobs(dataSource);

        housekeeper.start();
        Thread.sleep(3_000);

        // The rounds' moved pages wait for a commit that a quiet store does not make.
        assertThat(meters.get("tally.store.chunks.fill").gauge().value()).as("live share of the chunks' bytes")
                .isLessThan(CompactionRounds.TARGET_FILL_PERCENT);
    }

    @Test
    void takesNoQuietStepsWhileTheStoreIsWrittenTo() throws Exception {
        JdbcDataSource dataSource = fileDatabase("busy");
        var meters = new SimpleMeterRegistry();
        housekeeper = new EmbeddedStoreHousekeeper(dataSource,
                quickWithQuietLooksEvery(Duration.ofMillis(500)), meters);
        housekeeper.start();

        burstThenDeleteMostJobs(dataSource);
        try (Connection connection = dataSource.getConnection();
             var update = connection.prepareStatement("UPDATE job_like SET result = ? WHERE id = ?")) {
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            for (int i = 0; System.nanoTime() < until; i++) {
                update.setString(1, RESULT.substring(i % 10));
                update.setInt(2, (i % (int) KEPT_JOBS) * 10);
                update.executeUpdate();
            }
        }

        assertThat(meters.get("tally.store.quiet.compaction").timer().count()).as("steps taken while written to").isZero();
    }

    private static final int BURST_JOBS = 60_000;
    private static final long KEPT_JOBS = BURST_JOBS / 10;
    private static final String RESULT = "{\"the\":12,\"quick\":2,\"brown\":1,\"fox\":1}".repeat(40);

    /** A burst of jobs committed a few at a time, then nine in ten deleted. */
    private static void burstThenDeleteMostJobs(JdbcDataSource dataSource) throws Exception {
        burstThenDelete(dataSource, "MOD(id, 10) <> 0");
    }

    /** @param deleted which jobs of the burst to delete, as a condition on {@code id} */
    private static void burstThenDelete(JdbcDataSource dataSource, String deleted) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE job_like(id INT PRIMARY KEY, result VARCHAR(2000))");
            try (var insert = connection.prepareStatement("INSERT INTO job_like VALUES (?, ?)")) {
                for (int id = 0; id < BURST_JOBS; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, RESULT);
                    insert.addBatch();
                    if (id % 20 == 19) {
                        insert.executeBatch();
                    }
                }
            }
            try (var delete = connection.prepareStatement("DELETE FROM job_like WHERE id >= ? AND id < ? AND " + deleted)) {
                for (int from = 0; from < BURST_JOBS; from += 1_000) {
                    delete.setInt(1, from);
                    delete.setInt(2, from + 1_000);
                    delete.executeUpdate();
                }
            }
        }
    }

    @Test
    void movesTheSameLiveBytesASecondWhateverTheRoundInterval() {
        assertThat(EmbeddedStoreHousekeeper.writeLimit(Duration.ofMillis(25))).isEqualTo(256 * 1024);
        assertThat(EmbeddedStoreHousekeeper.writeLimit(Duration.ofMillis(100))).isEqualTo(1024 * 1024);
        assertThat(EmbeddedStoreHousekeeper.writeLimit(Duration.ofSeconds(1))).isEqualTo(10 * 1024 * 1024);
        assertThat(EmbeddedStoreHousekeeper.writeLimit(Duration.ofMillis(1))).as("at least whole pages").isEqualTo(64 * 1024);
    }

    @Test
    void stopsWalkingTheChunksOfAQuietStoreWithNothingToMove() throws Exception {
        var retention = Duration.ofSeconds(1);
        var meters = startOnFile("quiet", new StoreProperties(Duration.ofMillis(10), retention, Duration.ZERO, Duration.ZERO));
        keepOpen.createStatement().execute("CREATE TABLE job_like(id INT PRIMARY KEY)");
        Thread.sleep(500);
        long before = meters.get("tally.store.housekeeping").timer().count();

        Thread.sleep(2_000);

        // Rounds every 10 ms would be ~200; a quiet store with nothing to move gets one per chunk retention.
        assertThat(meters.get("tally.store.housekeeping").timer().count() - before).as("rounds in 2 s of quiet").isLessThanOrEqualTo(4);
    }

    @Test
    void walksTheChunksAgainOnceTheStoreIsWrittenTo() throws Exception {
        var meters = startOnFile("woken", new StoreProperties(Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO));
        Thread.sleep(300);
        long before = meters.get("tally.store.housekeeping").timer().count();

        keepOpen.createStatement().execute("CREATE TABLE job_like(id INT PRIMARY KEY)");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("tally.store.housekeeping").timer().count() > before);
    }

    @Test
    void setsTheConfiguredChunkRetentionOnTheFile() {
        JdbcDataSource dataSource = fileDatabase("retention");
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, new SimpleMeterRegistry());

        housekeeper.start();

        assertThat(housekeeper.isRunning()).isTrue();
        assertThat(EmbeddedStoreHousekeeper.embeddedStore(dataSource).getRetentionTime()).isEqualTo(100);
    }

    @Test
    void stopsWithoutClosingTheStore() throws SQLException {
        JdbcDataSource dataSource = fileDatabase("stop");
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, new SimpleMeterRegistry());
        housekeeper.start();

        housekeeper.stop();

        assertThat(housekeeper.isRunning()).isFalse();
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE still_writable(id INT)");
        }
    }

    @Test
    void publishesTheFileSizeFillRatesAndChunkCount() {
        var meters = startOnFile("gauges", QUICK);

        assertThat(meters.get("tally.store.file.size").gauge().value()).isPositive();
        assertThat(meters.get("tally.store.file.fill").gauge().value()).isBetween(0.0, 100.0);
        assertThat(meters.get("tally.store.chunks.fill").gauge().value()).isBetween(0.0, 100.0);
        assertThat(meters.get("tally.store.chunks").gauge().value()).isPositive();
    }

    @Test
    void timesItsRounds() {
        var meters = startOnFile("rounds", QUICK);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("tally.store.housekeeping").timer().count() >= 3);
    }

    @Test
    void forcesTheFileToDiskOnItsSchedule() {
        var meters = startOnFile("syncs", QUICK);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("tally.store.sync").timer().count() >= 3);
    }

    @Test
    void forcesNoWritesToDiskWhenTheSyncIntervalIsZero() {
        var meters = startOnFile("nosyncs", new StoreProperties(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ZERO, Duration.ofMillis(50)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("tally.store.housekeeping").timer().count() >= 3);

        assertThat(meters.find("tally.store.sync").timer()).isNull();
    }

    @Test
    void readsNothingFromAStoreShutDownUnderIt() throws SQLException {
        var meters = startOnFile("shutdown", QUICK);

        keepOpen.createStatement().execute("SHUTDOWN");
        keepOpen = null;

        assertThat(meters.get("tally.store.file.size").gauge().value()).isNaN();
        assertThat(meters.get("tally.store.chunks.fill").gauge().value()).isNaN();
    }

    @Test
    void leavesAnInMemoryDatabaseAlone() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:upkeep;DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, new SimpleMeterRegistry());

        housekeeper.start();

        assertThat(housekeeper.isRunning()).isFalse();
    }

    @Test
    void leavesPostgresAlone() {
        var dataSource = Infrastructure.postgresAdminDataSource();
        var meters = new SimpleMeterRegistry();
        housekeeper = new EmbeddedStoreHousekeeper(dataSource, QUICK, meters);

        housekeeper.start();

        assertThat(housekeeper.isRunning()).isFalse();
        assertThat(meters.find("tally.store.file.size").gauge()).isNull();
    }

    @Test
    void staysOffWhenTheIntervalIsZero() {
        JdbcDataSource dataSource = fileDatabase("off");
        housekeeper = new EmbeddedStoreHousekeeper(dataSource,
                new StoreProperties(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1)), new SimpleMeterRegistry());

        housekeeper.start();

        assertThat(housekeeper.isRunning()).isFalse();
    }

    /** What H2 has written to the file since it opened it, chunk by chunk. */
    private static long writtenBytes(Connection connection) throws SQLException {
        try (var settings = connection.createStatement().executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
            settings.next();
            return Long.parseLong(settings.getString(1));
        }
    }

    /** Rounds every 10 ms, a 100 ms chunk retention, syncs every 25 ms, and quiet looks as given. */
    private static StoreProperties quickWithQuietLooksEvery(Duration quietCompactionInterval) {
        return new StoreProperties(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(25), quietCompactionInterval);
    }

    /** Starts the upkeep on a new file database; returns the registry it reports to. */
    private SimpleMeterRegistry startOnFile(String name, StoreProperties properties) {
        var meters = new SimpleMeterRegistry();
        housekeeper = new EmbeddedStoreHousekeeper(fileDatabase(name), properties, meters);
        housekeeper.start();
        return meters;
    }

    /** An H2 file database as Tally opens it, kept open by one connection for the test's length. */
    private JdbcDataSource fileDatabase(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0");
        dataSource.setUser("sa");
        try {
            keepOpen = dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dataSource;
    }
}
