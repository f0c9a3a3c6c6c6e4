package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL, unlike H2, refuses U+0000 in text columns: a submitted text holding an escaped NUL
 * must still be a clean answer (accepted, or a 400 problem), never a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileTextOnPostgresTest {

    private static final String SCHEMA = Infrastructure.uniqueName("hostile");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", Infrastructure::postgresUser);
        registry.add("spring.flyway.schemas", () -> SCHEMA);
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Test
    void answersTextWithAnEscapedNulByteCleanly() {
        Api api = new Api(port);

        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"before\\u0000after\"}");

        assertThat(response.status()).as(response.body()).isIn(202, 400);
        if (response.status() == 202) {
            String id = response.json().get("id").asString();
            var job = api.awaitTerminal(id);
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        } else {
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
        assertStillServing(api);
    }
}
