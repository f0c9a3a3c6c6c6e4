package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Pages built to hurt the fetcher: the job fails with the right code and the service stays up. */
@TallyIntegrationTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostilePagesTest {

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void failsAGzipBombAsTooLarge() {
        // ~64 KB on the wire, 64 MiB inflated: over the default 10 MiB limit counted after decompression.
        site.gzipBomb("/hostile/bomb", 64L * 1024 * 1024);

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/hostile/bomb")));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").get("code").asString()).isEqualTo("TOO_LARGE");
        assertThat(job.get("error").get("retryable").asBoolean()).isFalse();
        assertStillServing(api);
    }
}
