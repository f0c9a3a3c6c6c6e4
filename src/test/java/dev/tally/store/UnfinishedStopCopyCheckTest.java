package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start after a stop whose copy of the embedded store's file did not finish: H2 leaves the old
 * file whole and a partial copy beside it ({@code tally.mv.db.tempFile}), and deletes that copy when
 * it next opens the store.
 */
class UnfinishedStopCopyCheckTest {

    @Test
    void findsTheStoreFileOfTheDefaultUrl() {
        assertThat(UnfinishedStopCopyCheck.storeFile(
                "jdbc:h2:file:/var/lib/tally/tally;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;DEFRAG_ALWAYS=TRUE"))
                .contains(Path.of("/var/lib/tally/tally.mv.db"));
    }

    @Test
    void findsNoStoreFileForOtherStores() {
        assertThat(UnfinishedStopCopyCheck.storeFile("jdbc:postgresql://localhost:5432/tally")).isEmpty();
        assertThat(UnfinishedStopCopyCheck.storeFile("jdbc:h2:mem:tally;DB_CLOSE_DELAY=-1")).isEmpty();
        assertThat(UnfinishedStopCopyCheck.storeFile("jdbc:h2:tcp://localhost/~/tally")).isEmpty();
        assertThat(UnfinishedStopCopyCheck.storeFile(null)).isEmpty();
    }

    @Test
    void findsNoPartialCopyAfterAFinishedStop(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tally.mv.db"), "a store");

        assertThat(UnfinishedStopCopyCheck.partialCopy("jdbc:h2:file:" + dir.resolve("tally"))).isEmpty();
    }

    @Test
    void findsThePartialCopyAnUnfinishedStopLeft(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tally.mv.db"), "a store");
        Files.write(dir.resolve("tally.mv.db.tempFile"), new byte[4096]);

        assertThat(UnfinishedStopCopyCheck.partialCopy("jdbc:h2:file:" + dir.resolve("tally") + ";DEFRAG_ALWAYS=TRUE"))
                .contains(dir.resolve("tally.mv.db.tempFile"));
    }
}
