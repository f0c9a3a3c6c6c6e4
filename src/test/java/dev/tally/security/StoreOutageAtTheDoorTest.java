package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
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

/**
 * The checks made before a request reaches the API (an API key's lookup, the shared rate-limit
 * bucket) need the real PostgreSQL store too: while it cannot be reached, they answer as the API
 * answers a store outage, 503 problem+json with Retry-After (they answered 500 with Spring's error
 * body).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class StoreOutageAtTheDoorTest {

    private static final String SCHEMA = Infrastructure.uniqueName("door");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();

    @DynamicPropertySource
    static void throughProxy(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("tally.auth.mode", () -> "api-key");
        registry.add("tally.rate-limit.enabled", () -> "true");
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

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @AfterEach
    void restore() throws IOException {
        POSTGRES.restore();
        api.awaitReady();
    }

    @Test
    void answersAKeyThatCannotBeLookedUp503() throws IOException {
        String key = keys.create("looked up during the outage", null).secret();
        POSTGRES.cut();

        Api.Response response = api.get("/api/v1/jobs", "Authorization", "Bearer " + key);

        assertStoreUnavailable(response);
    }

    @Test
    void answersARequestWhoseSharedBucketCannotBeRead503() throws IOException {
        String key = keys.create("known before the outage", null).secret();
        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + key).status()).isEqualTo(200);
        POSTGRES.cut();

        // The key is still known from its lookup a moment ago; its bucket is in the store.
        Api.Response response = api.get("/api/v1/jobs", "Authorization", "Bearer " + key);

        assertStoreUnavailable(response);
    }

    private static void assertStoreUnavailable(Api.Response response) {
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.header("Retry-After")).isEqualTo("5");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:unavailable");
    }
}
