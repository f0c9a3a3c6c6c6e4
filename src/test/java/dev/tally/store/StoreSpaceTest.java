package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Infrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The room the embedded store has left, measured on real H2 files and a real file system. */
class StoreSpaceTest {

    @TempDir
    Path dir;

    private Connection keepOpen;

    @AfterEach
    void close() throws SQLException {
        if (keepOpen != null && !keepOpen.isClosed()) {
            keepOpen.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void measuresTheFreeSpaceOfTheDiskTheStoreFileIsOn() throws Exception {
        StoreSpace space = new StoreSpace(fileDatabase("jobs"));
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

        long room = new StoreSpace(dataSource).room().orElseThrow();
        long usable = Files.getFileStore(dir).getUsableSpace();

        assertThat(room - usable).as("free inside the %d-byte file", file).isGreaterThan(file / 2 - (64L << 20));
    }

    @Test
    void hasNoReadingForAStoreWhoseDiskItCannotSee() {
        var inMemory = new JdbcDataSource();
        inMemory.setURL("jdbc:h2:mem:space-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        inMemory.setUser("sa");

        assertThat(new StoreSpace(inMemory).room()).isEmpty();
        assertThat(new StoreSpace(Infrastructure.postgresDataSource("public")).room()).isEmpty();
    }

    @Test
    void hasNoReadingOnceTheStoreHasClosed() throws Exception {
        JdbcDataSource dataSource = fileDatabase("closed");
        StoreSpace space = new StoreSpace(dataSource);
        assertThat(space.room()).isPresent();

        keepOpen.createStatement().execute("SHUTDOWN");
        Thread.sleep(1_100); // past the age of a reading

        assertThat(space.room()).isEmpty();
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
