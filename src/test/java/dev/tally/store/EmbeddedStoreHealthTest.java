package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.support.Api;
import dev.tally.support.OnEmbeddedFileStore;
import javax.sql.DataSource;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The probes of a Tally whose embedded file store H2 has closed after a failed write: as when the
 * disk fills up, every statement fails from then on and only a restart reopens the store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EmbeddedStoreHealthTest extends OnEmbeddedFileStore {

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
