package dev.tally.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.security.ApiKeyStore;
import dev.tally.support.Api;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The command-line client on a server that rate-limits its key: it waits as the server's
 * {@code Retry-After} asks, submits every job (none twice), follows them to their end, and says
 * once per spell that it is waiting, instead of failing or hammering the server. (The settings are
 * {@code RateLimitTest}'s, so the two share one running application.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-limits;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key",
        "tally.rate-limit.enabled=true",
        "tally.rate-limit.requests-per-minute=5",
        "tally.admission.max-active-per-client=2",
        "tally.worker.concurrency=1",
        "tally.fetch.allow-private-networks=true"
})
class JobsCommandRateLimitTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void waitsAsTheRateLimitAsksAndFollowsEveryJobToItsEnd(@TempDir Path texts) throws Exception {
        // A token a second: the client meets the limit at every turn, and each wait is short.
        String key = keys.create("command line", 60).secret();
        Api api = new Api(port);
        while (api.get("/api/v1/jobs", "Authorization", "Bearer " + key).status() != 429) {
            // the key's bucket is drained
        }
        Path first = Files.writeString(texts.resolve("first.txt"), "rate limits are waited out");
        Path second = Files.writeString(texts.resolve("second.txt"), "never hammered, never duplicated");

        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = JobsCommand.run(new String[] {"submit", "--text", "--follow", "--interval=PT0.1S", "--progress=lines",
                        "--api-key=" + key, first.toString(), second.toString()},
                new ByteArrayInputStream(new byte[0]), out, err,
                Map.of("TALLY_SERVER", "http://localhost:" + port), false);

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the server answered 429", "trying again for up to 2 minutes");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("5 words, 5 distinct", "4 words, 3 distinct",
                "# 2 jobs: 0 queued, 0 running, 2 succeeded, 0 failed");
        // Exactly the two jobs: no try of a submission made a second one.
        Api.Response list = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("/api/v1/jobs?limit=200", "Authorization", "Bearer " + key), r -> r.status() == 200);
        assertThat(list.json().get("items").size()).isEqualTo(2);
    }

    /** A wrong key is the client refused (exit 4, once), not each source refused (exit 3, once per source). */
    @Test
    void stopsAtAWrongKeyAsTheClientRefused(@TempDir Path texts) throws Exception {
        Path first = Files.writeString(texts.resolve("first.txt"), "never submitted");
        Path second = Files.writeString(texts.resolve("second.txt"), "nor this");

        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = JobsCommand.run(new String[] {"submit", "--text", "--api-key=tly_revoked-long-ago", first.toString(),
                        second.toString()},
                new ByteArrayInputStream(new byte[0]), out, err,
                Map.of("TALLY_SERVER", "http://localhost:" + port), false);

        String said = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(said).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(said).contains("401").doesNotContain("refused text").doesNotContain("gave up");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
