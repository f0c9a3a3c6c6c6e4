package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Tally starting on an embedded store whose previous stop did not finish copying the file:
 * the old file whole, H2's partial copy ({@code tally.mv.db.tempFile}) beside it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class StartAfterUnfinishedStopTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void storeLeftByAnUnfinishedStop(DynamicPropertyRegistry registry) throws SQLException, IOException {
        String url = "jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;DEFRAG_ALWAYS=TRUE";
        try (Connection firstConnectionMakesTheFile = DriverManager.getConnection(url, "sa", "")) {
            assertThat(dir.resolve("tally.mv.db")).exists();
        }
        Files.write(dir.resolve("tally.mv.db.tempFile"), new byte[3 << 20]);
        registry.add("spring.datasource.url", () -> url);
    }

    @LocalServerPort
    int port;

    @Test
    void warnsOnceBeforeTheStoreOpensAndStartsAsUsual(CapturedOutput output) {
        assertThat(output.getOut()).containsOnlyOnce("The previous stop did not finish rewriting the embedded store's file")
                .contains("a partial copy of 3 MB was left at " + dir.resolve("tally.mv.db.tempFile"));
        assertThat(dir.resolve("tally.mv.db.tempFile")).doesNotExist();
        assertThat(new Api(port).get("/actuator/health/readiness").status()).isEqualTo(200);
    }
}
