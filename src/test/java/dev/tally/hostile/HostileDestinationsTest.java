package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertProblem;
import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * With the default {@code tally.fetch.allow-private-networks=false}: the spellings attackers use
 * to smuggle an internal address past a URL check are refused at submit, and a name resolving to
 * loopback is never contacted. (Redirects from an allowed host to these addresses cannot be
 * driven end to end here: with private networks disallowed no loopback test site is reachable;
 * dev.tally.fetch.HttpPageFetcherTest covers them with its package-private address hook.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-hostile-strict;DB_CLOSE_DELAY=-1",
        "tally.retry.max-attempts=1"
})
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileDestinationsTest {

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/", "http://0x7f000001/",
            "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[::127.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::]/", "http://0x7f.1/", "http://127.0.0.1./",
            "http://0251.0376.0251.0376/", "http://2852039166/", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
            "http://[fe80::1%25eth0]/", "http://100.64.0.1/", "http://0/"})
    void rejectsObfuscatedInternalAddressesAtSubmit(String url) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");
        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString()).as(url).contains("url");
        assertStillServing(api);
    }

    @Test
    void neverConnectsToLocalhostByName() {
        AtomicInteger hits = new AtomicInteger();
        site.handle("/hostile/internal", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        });

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/hostile/internal").replace("127.0.0.1", "localhost")));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").get("code").asString()).isEqualTo("FORBIDDEN_DESTINATION");
        assertThat(hits.get()).isZero();
        assertStillServing(api);
    }
}
