package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.support.Api;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The probes of a Tally whose embedded file store H2 has closed after a failed write: as when the
 * disk fills up, every statement fails from then on and only a restart reopens the store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EmbeddedStoreHealthTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void embeddedFileStore(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void reportsNeitherLiveNorReadyOnceAFailedWriteHasClosedTheStore() {
        Api api = new Api(port);
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);

        MVStore store = EmbeddedStoreHousekeeper.embeddedStore(dataSource);
        // What H2 does when writing a chunk fails: the store is closed for good.
        assertThatThrownBy(() -> store.panic(DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED,
                "Writing to the store failed: No space left on device"))).isInstanceOf(MVStoreException.class);

        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(503);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(503);
    }
}
