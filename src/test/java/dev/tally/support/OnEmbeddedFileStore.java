package dev.tally.support;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring test whose application keeps its embedded store in a file, as the default does, rather
 * than in memory: in a temporary directory of its own, on this machine's disk.
 */
public abstract class OnEmbeddedFileStore {

    @TempDir
    protected static Path storeDir;

    @DynamicPropertySource
    static void embeddedFileStore(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url",
                () -> "jdbc:h2:file:" + storeDir.resolve("tally") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
    }
}
