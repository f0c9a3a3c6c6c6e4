package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tally.support.AdjustableClock;
import dev.tally.support.Api;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * An API key's times are the application's time (job time, in step with the store's on
 * PostgreSQL), not the host's: a node whose clock is off would otherwise list a key as created or
 * last used hours away from when it was.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-key-times;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key"
})
class ApiKeyTimesTest {

    private static final Duration OFF = Duration.ofHours(3);

    @TestConfiguration(proxyBeanMethods = false)
    static class ApplicationClockThreeHoursAhead {
        /** Primary: the application's own clock bean is made too. */
        @Bean
        @Primary
        AdjustableClock adjustableClock() {
            AdjustableClock clock = new AdjustableClock();
            clock.setOff(OFF);
            return clock;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void recordsCreationUseAndRevocationByTheApplicationsClock() {
        Instant expected = Instant.now().plus(OFF);
        var created = keys.create("ops", null);
        Api.Response used = new Api(port).get("/api/v1/jobs", "Authorization", "Bearer " + created.secret());
        keys.revoke(created.info().id().toString());

        assertThat(used.status()).isEqualTo(200);
        assertThat(keys.list()).filteredOn(k -> k.id().equals(created.info().id())).singleElement().satisfies(k -> {
            assertThat(k.createdAt()).isCloseTo(expected, within(1, ChronoUnit.MINUTES));
            assertThat(k.lastUsedAt()).isCloseTo(expected, within(1, ChronoUnit.MINUTES));
            assertThat(k.revokedAt()).isCloseTo(expected, within(1, ChronoUnit.MINUTES));
        });
    }
}
