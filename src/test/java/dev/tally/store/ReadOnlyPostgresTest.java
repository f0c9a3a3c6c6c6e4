package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.support.Api;
import dev.tally.security.ApiKeyStore;
import dev.tally.support.Infrastructure;
import dev.tally.support.ReadOnlyRole;
import dev.tally.support.TestSite;
import java.net.http.HttpRequest;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A real PostgreSQL that takes no writes (its login role's {@code default_transaction_read_only}
 * switched on, as hosted services do when their disk is nearly full; a hot standby refuses writes
 * with the same SQLSTATE): submissions are answered 503 problem+json with Retry-After, as in any
 * store outage, and taken again once it takes writes, although every session the pool opened
 * meanwhile is still read-only (nobody renews the pool but the service); a result counted meanwhile
 * is stored then, without waiting for its lease; reads go on, also with an API key whose use the
 * store cannot record.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadOnlyPostgresTest {

    private static final String SCHEMA = Infrastructure.uniqueName("readonly");
    private static final ReadOnlyRole ROLE = new ReadOnlyRole("tally_read_only_test");

    @DynamicPropertySource
    static void onItsOwnRole(DynamicPropertyRegistry registry) {
        ROLE.register(registry, SCHEMA);
        registry.add("tally.auth.mode", () -> "api-key");
        registry.add("tally.fetch.allow-private-networks", () -> "true");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    ApiKeyStore keys;

    TestSite site = TestSite.get();
    Api api;
    String key;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        key = "Bearer " + keys.create("read-only test " + System.nanoTime(), null).secret();
    }

    @AfterEach
    void takeWritesAgain() {
        writable();
    }

    @Test
    void answers503WithRetryAfterWhileTheStoreTakesNoWritesAndAcceptsJobsAgainAfterwards() {
        readOnly();

        Api.Response refused = submit("a read-only store");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:tally:problem:unavailable");

        writable();
        // The pool holds the sessions it opened while the role was read-only: the first write
        // refused has it renew them, so writes are taken again within moments, not at once.
        Api.Response accepted = await("submissions taken again").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> submit("writable again"), response -> response.status() == 202);
        String id = accepted.json().get("id").asString();
        await("the job to succeed").atMost(Duration.ofSeconds(30))
                .until(() -> read(id).json().get("status").asString(), "SUCCEEDED"::equals);
    }

    @Test
    void storesAResultCountedWhileTheStoreTookNoWritesOnceItTakesThemAgainWithoutWaitingForTheLease()
            throws InterruptedException {
        TestSite.FirstRequest page = site.trackedSlowHtml("/read-only/page", 1_000,
                "<p>counted while the store took no writes</p>");
        Api.Response accepted = submitUrl(site.url("/read-only/page"));
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        page.awaitArrival(Duration.ofSeconds(10));

        readOnly(); // the job is claimed: its page is being fetched
        page.awaitEnd(Duration.ofSeconds(10));
        Thread.sleep(500); // the page is counted, and its result refused
        writable();

        // The lease is 30 s: a result left to it would be counted again after that.
        JsonNode job = await("the job to succeed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> read(id).json(), j -> "SUCCEEDED".equals(j.get("status").asString()));
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(7);
    }

    @Test
    void answersReadsWithAnApiKeyWhoseUseTheStoreCannotRecord() {
        readOnly();

        // The key's first use records when it was used: a write the store refuses.
        Api.Response list = api.get("/api/v1/jobs", "Authorization", key);

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items").isArray()).isTrue();
    }

    private Api.Response submit(String text) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs")).header("Authorization", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}")));
    }

    private Api.Response submitUrl(String url) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs")).header("Authorization", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\"}")));
    }

    private Api.Response read(String id) {
        return api.get("/api/v1/jobs/" + id, "Authorization", key);
    }

    /**
     * Makes the application's sessions read-only. Renewed twice: a session the pool was opening
     * before the change joins it after the first renewal (seen: a submission accepted just after it).
     */
    private void readOnly() {
        ROLE.readOnly(dataSource);
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ((HikariDataSource) dataSource).getHikariPoolMXBean().softEvictConnections();
    }

    private void writable() {
        ROLE.writable();
    }
}
