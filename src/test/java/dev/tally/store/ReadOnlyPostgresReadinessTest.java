package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.ReadOnlyRole;
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

/**
 * Readiness of an API node on a real PostgreSQL that stops taking writes (its login role's
 * {@code default_transaction_read_only}, as after a failover left the node's sessions on a standby):
 * it reports {@code 503} while the store refuses writes, although the database still answers, and
 * {@code 200} again once the store takes them, by itself: the node has no workers, and a balancer
 * sends it no requests while it is not ready, so nothing but the probe finds out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadOnlyPostgresReadinessTest {

    private static final String SCHEMA = Infrastructure.uniqueName("readonlyready");
    private static final ReadOnlyRole ROLE = new ReadOnlyRole("tally_read_only_readiness_test");

    @DynamicPropertySource
    static void onItsOwnRole(DynamicPropertyRegistry registry) {
        ROLE.register(registry, SCHEMA);
        registry.add("tally.roles", () -> "api");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @AfterEach
    void takeWritesAgain() {
        ROLE.writable();
    }

    @Test
    void isNotReadyWhileTheStoreTakesNoWritesAndReadyAgainByItselfOnceItDoes() {
        assertThat(readiness()).isEqualTo(200);

        ROLE.readOnly(dataSource);

        await("readiness 503 on a read-only store").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(this::readiness, status -> status == 503);
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs").status()).as("reads go on").isEqualTo(200);

        ROLE.writable();

        await("readiness 200 once the store takes writes").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(this::readiness, status -> status == 200);
        assertThat(api.postJson("/api/v1/jobs", "{\"text\":\"writable again\"}").status()).isEqualTo(202);
    }

    private int readiness() {
        return api.get("/actuator/health/readiness").status();
    }
}
