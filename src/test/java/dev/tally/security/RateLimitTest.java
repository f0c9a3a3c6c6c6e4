package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Per-client token buckets with the IETF RateLimit headers, and admission control's bounds. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-limits;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key",
        "tally.rate-limit.enabled=true",
        "tally.rate-limit.requests-per-minute=5",
        "tally.admission.max-active-per-client=2",
        "tally.worker.concurrency=1",
        "tally.fetch.allow-private-networks=true"
})
class RateLimitTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void refusesTheRequestAfterTheLimitWithRetryAfterAndRateLimitHeaders() {
        Api api = new Api(port);
        String key = keys.create("limited", null).secret();

        for (int i = 0; i < 5; i++) {
            Api.Response ok = api.get("/api/v1/jobs", "Authorization", "Bearer " + key);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"per-client\";q=5;w=60");
            assertThat(ok.header("RateLimit")).startsWith("\"per-client\";r=" + (4 - i) + ";t=");
        }
        Api.Response refused = api.get("/api/v1/jobs", "Authorization", "Bearer " + key);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
        assertThat(refused.header("RateLimit")).startsWith("\"per-client\";r=0;t=");
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }

    /** Spring MVC serves {@code /%61pi/v1/jobs} as {@code /api/v1/jobs}: it must count as that too. */
    @Test
    void aPercentEncodedPathCountsAgainstTheLimit() {
        Api api = new Api(port);
        String key = keys.create("encoded", null).secret();
        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + key).status()).isEqualTo(200);
        }

        assertThat(api.get("/%61pi/v1/jobs", "Authorization", "Bearer " + key).status()).isEqualTo(429);
        assertThat(api.get("/%77ord-count?job_id=x", "Authorization", "Bearer " + key).status()).isEqualTo(429);
    }

    /** Made before limits below 1 were refused: a bucket of no tokens answered every request 500. */
    @Test
    void holdsAKeyStoredWithALimitOfZeroToOneRequestAMinute() {
        Api api = new Api(port);
        ApiKeyStore.CreatedKey created = keys.create("zero", 1);
        jdbc.sql("UPDATE api_key SET rate_limit_per_minute = 0 WHERE id = :id").param("id", created.info().id()).update();

        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + created.secret()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + created.secret()).status()).isEqualTo(429);
    }

    @Test
    void oneClientsLimitDoesNotTouchAnother() {
        Api api = new Api(port);
        String busy = keys.create("busy", null).secret();
        String quiet = keys.create("quiet", null).secret();
        for (int i = 0; i < 6; i++) {
            api.get("/api/v1/jobs", "Authorization", "Bearer " + busy);
        }

        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + quiet).status()).isEqualTo(200);
    }

    @Test
    void aKeysOwnLimitWinsOverTheDefault() {
        Api api = new Api(port);
        String generous = keys.create("generous", 100).secret();

        for (int i = 0; i < 10; i++) {
            assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + generous).status()).isEqualTo(200);
        }
    }

    @Test
    void refusesAClientWithTooManyUnfinishedJobs() {
        Api api = new Api(port);
        String key = keys.create("backlog", 100).secret();
        var slow = dev.tally.support.TestSite.get().slowHtml("/limits/slow.html", 5000, "<p>slow</p>");
        // One worker slot and a slow page: jobs stay unfinished while more are submitted.
        int accepted = 0;
        int refused = 0;
        String retryAfter = null;
        for (int i = 0; i < 8; i++) {
            Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + slow.url("/limits/slow.html") + "\"}")));
            if (response.status() == 202) {
                accepted++;
            } else if (response.status() == 429) {
                refused++;
                retryAfter = response.header("Retry-After");
            }
        }
        // This node counts its own admissions at once: exactly the limit is accepted.
        assertThat(accepted).isEqualTo(2);
        assertThat(refused).isPositive();
        assertThat(retryAfter).isNotBlank();
    }
}
