package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A key the node does not know costs the store a query: one address sending a new random key with
 * every request gets its lookups bounded, while keys the node knows go on working. Its own
 * application: the bound is per address, and every test here comes from 127.0.0.1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-unknown-keys;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key"
})
class UnknownKeyLookupsTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void boundsTheLookupsOfUnknownKeysFromOneAddressButNotTheKnownKeys() {
        Api api = new Api(port);
        String known = keys.create("known", null).secret();
        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + known).status()).isEqualTo(200);

        for (int i = 0; i < ApiKeyAuthenticationFilter.UNKNOWN_KEYS_PER_MINUTE; i++) {
            assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer tly_" + UUID.randomUUID()).status())
                    .as("guess %d", i).isEqualTo(401);
        }
        Api.Response refused = api.get("/api/v1/jobs", "Authorization", "Bearer tly_" + UUID.randomUUID());

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:tally:problem:rate-limited");
        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + known).status()).as("a key it knows").isEqualTo(200);
    }
}
