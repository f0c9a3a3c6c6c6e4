package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The retention purge as a client sees it: a finished job that readers had cached is gone for
 * them too once it is purged. Every finished job counts as expired here (max-age 0), the purge
 * runs only when the test says so (its interval is an hour), and cached jobs would stay for an
 * hour, so only the purge's deletion notice can make the cache let go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-retention;DB_CLOSE_DELAY=-1",
        "tally.retention.max-age=0s",
        "tally.retention.interval=1h",
        "tally.job-cache.ttl=1h",
        "tally.worker.poll-interval=100ms"
})
class RetentionEndToEndTest {

    @LocalServerPort
    int port;

    @Autowired
    RetentionPurger purger;

    @Autowired
    JobRepository repository;

    @Test
    void aPurgedJobIsNoLongerServedFromTheFinishedJobCache() {
        Api api = new Api(port);
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"kept for a while, then purged\"}");
        String id = accepted.json().get("id").asString();
        assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(api.get("/api/v1/jobs/" + id).status()).as("read again: now from the cache").isEqualTo(200);

        assertThat(purger.purgeExpired()).isEqualTo(1);

        assertThat(repository.find(UUID.fromString(id))).as("in the store").isEmpty();
        assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(404);
    }
}
