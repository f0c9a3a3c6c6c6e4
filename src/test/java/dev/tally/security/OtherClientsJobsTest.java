package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * To one client, another client's job is an id that does not exist, whichever way it is asked
 * for: a finished job this node keeps in memory is not answered from there to anyone but its
 * owner, but looked up in the store as an unknown id is (the cache answered it ~10 % faster, which
 * told an existing id from a missing one). Seen from outside while the store is out: the owner
 * still reads the finished job from memory, the other client gets what an unknown id gets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OtherClientsJobsTest {

    private static final String SCHEMA = Infrastructure.uniqueName("others");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();

    @DynamicPropertySource
    static void throughProxy(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("tally.auth.mode", () -> "api-key");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        POSTGRES.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void looksUpAnotherClientsFinishedJobInTheStoreAsAnUnknownId() throws IOException, InterruptedException {
        Api api = new Api(port);
        String alice = keys.create("alice", null).secret();
        String mallory = keys.create("mallory", null).secret();
        Api.Response submitted = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"alice's quarterly figures\"}")));
        String job = "/api/v1/jobs/" + submitted.json().get("id").asString();
        String unknown = "/api/v1/jobs/" + UUID.randomUUID();
        awaitSucceeded(api, job, alice);
        assertThat(api.get(job, "Authorization", "Bearer " + mallory).status()).isEqualTo(404);
        assertThat(api.get(unknown, "Authorization", "Bearer " + mallory).status()).isEqualTo(404);

        POSTGRES.cut();
        try {
            assertThat(api.get(job, "Authorization", "Bearer " + alice).status()).as("the owner, from memory").isEqualTo(200);
            Api.Response others = api.get(job, "Authorization", "Bearer " + mallory);
            Api.Response missing = api.get(unknown, "Authorization", "Bearer " + mallory);

            assertThat(missing.status()).isEqualTo(503);
            assertThat(others.status()).as("another client's job, as an unknown id").isEqualTo(missing.status());
            assertThat(others.json().get("type").asString()).isEqualTo(missing.json().get("type").asString());
        } finally {
            POSTGRES.restore();
        }
        api.awaitReady();
        assertThat(api.get(job, "Authorization", "Bearer " + mallory).status()).isEqualTo(404);
    }

    private static void awaitSucceeded(Api api, String job, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!api.get(job, "Authorization", "Bearer " + key).body().contains("\"SUCCEEDED\"")) {
            assertThat(System.nanoTime()).as("the job succeeds within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
