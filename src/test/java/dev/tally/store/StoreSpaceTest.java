package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Infrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** The room the embedded store has left, measured on real H2 files and a real file system. */
class StoreSpaceTest {

    @TempDir
    Path dir;

    private Connection keepOpen;
    private final List<StoreSpace> started = new ArrayList<>();

    @AfterEach
    void close() throws SQLException {
        started.forEach(StoreSpace::stop);
        if (keepOpen != null && !keepOpen.isClosed()) {
            keepOpen.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void measuresTheFreeSpaceOfTheDiskTheStoreFileIsOn() throws Exception {
        StoreSpace space = started(fileDatabase("jobs"));
        long usable = Files.getFileStore(dir).getUsableSpace();

        OptionalLong room = space.room();

        assertThat(room).isPresent();
        long file = Files.size(dir.resolve("jobs.mv.db"));
        // Other processes write to the same disk meanwhile: within 64 MB of what the file system says.
        assertThat(room.getAsLong()).isBetween(usable - (64L << 20), usable + file + (64L << 20));
    }

    @Test
    void countsTheSpaceFreedInsideTheFileAsRoom() throws Exception {
        JdbcDataSource dataSource = fileDatabase("churn");
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE page(id INT PRIMARY KEY, body VARBINARY(1000000))");
            try (var insert = connection.prepareStatement("INSERT INTO page VALUES (?, ?)")) {
                for (int id = 0; id < 40; id++) {
                    insert.setInt(1, id);
                    insert.setBytes(2, new byte[1_000_000]);
                    insert.execute();
                }
            }
            connection.createStatement().execute("DELETE FROM page");
        }
        MVStore store = EmbeddedStoreHousekeeper.embeddedStore(dataSource);
        store.getFileStore().setRetentionTime(0);
        store.compact(100, 64 << 20);
        store.commit();
        long file = Files.size(dir.resolve("churn.mv.db"));
        assertThat(store.getFileStore().getFillRate()).as("the deleted pages' chunks are free").isLessThan(50);

        long room = started(dataSource).room().orElseThrow();
        long usable = Files.getFileStore(dir).getUsableSpace();

        assertThat(room - usable).as("free inside the %d-byte file", file).isGreaterThan(file / 2 - (64L << 20));
    }

    @Test
    void hasNoReadingForAStoreWhoseDiskItCannotSee() throws SQLException {
        var inMemory = new JdbcDataSource();
        inMemory.setURL("jdbc:h2:mem:space-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        inMemory.setUser("sa");
        DataSource postgres = Infrastructure.postgresDataSource("public");
        try (Connection connection = postgres.getConnection()) {
            assertThat(connection.isValid(5)).as("PostgreSQL answers, so an empty reading is not a failure").isTrue();
        }

        assertThat(started(inMemory).room()).isEmpty();
        assertThat(started(postgres).room()).isEmpty();
    }

    @Test
    void asksAgainWhenTheFirstLookFoundNoConnection() throws Exception {
        JdbcDataSource file = fileDatabase("later");
        AtomicInteger refusals = new AtomicInteger(1);
        // The pool's first connection is not to be had (a burst at start), the next ones are.
        DataSource firstRefused = new DelegatingDataSource(file) {
            @Override
            public Connection getConnection() throws SQLException {
                if (refusals.getAndDecrement() > 0) {
                    throw new SQLTransientConnectionException("Connection is not available, request timed out after 5000ms");
                }
                return super.getConnection();
            }
        };

        StoreSpace space = started(firstRefused);

        assertThat(space.room()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> space.room().isPresent());
    }

    @Test
    void stopsAskingOnceItFindsAStoreWhoseDiskItCannotSee() throws Exception {
        var inMemory = new JdbcDataSource();
        inMemory.setURL("jdbc:h2:mem:space-late-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        inMemory.setUser("sa");
        AtomicInteger refusals = new AtomicInteger(1);
        AtomicInteger asked = new AtomicInteger();
        // Not to be had at start (the database not up yet), then answering: a store of another kind.
        DataSource late = new DelegatingDataSource(inMemory) {
            @Override
            public Connection getConnection() throws SQLException {
                asked.incrementAndGet();
                if (refusals.getAndDecrement() > 0) {
                    throw new SQLTransientConnectionException("Connection refused");
                }
                return super.getConnection();
            }
        };
        started(late);
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() >= 2);

        Thread.sleep(3 * StoreSpace.EVERY.toMillis());

        assertThat(asked).as("asked at start, then once more, then never again").hasValue(2);
    }

    @Test
    void hasNoReadingOnceTheStoreHasClosed() throws Exception {
        StoreSpace space = started(fileDatabase("closed"));
        assertThat(space.room()).isPresent();

        keepOpen.createStatement().execute("SHUTDOWN");

        await().atMost(Duration.ofSeconds(5)).until(() -> space.room().isEmpty());
    }

    private StoreSpace started(DataSource dataSource) {
        StoreSpace space = new StoreSpace(dataSource);
        space.start();
        started.add(space);
        return space;
    }

    /** An H2 file database as Tally opens it, kept open by one connection for the test's length. */
    private JdbcDataSource fileDatabase(String name) throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0");
        dataSource.setUser("sa");
        keepOpen = dataSource.getConnection();
        return dataSource;
    }
}
