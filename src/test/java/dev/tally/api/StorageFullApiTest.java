package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.OnEmbeddedFileStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The embedded store on a disk with less room than {@code tally.admission.min-free-disk} (asked
 * for more room than any disk has; the check is the same as on a nearly full one): new jobs are
 * refused with a problem that says so, everything else is answered as usual.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tally.admission.min-free-disk=100000TB")
@DirtiesContext
class StorageFullApiTest extends OnEmbeddedFileStore {

    @LocalServerPort
    int port;

    @Test
    void refusesNewJobsWithStorageFullAndALongRetryAfter() {
        Api.Response response = new Api(port).postJson("/api/v1/jobs", "{\"text\": \"the disk is nearly full\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:storage-full");
        assertThat(response.json().get("detail").asString()).contains("MB of room left on its disk");
        assertThat(response.header("Retry-After")).isEqualTo("300");
    }

    @Test
    void refusesTheCompatibleApisSubmissionsToo() {
        Api.Response response = new Api(port).postJson("/word-count", "{\"url\": \"https://example.com/\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:storage-full");
    }

    @Test
    void answersReadsAndProbesAsUsual() {
        Api api = new Api(port);

        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
    }
}
