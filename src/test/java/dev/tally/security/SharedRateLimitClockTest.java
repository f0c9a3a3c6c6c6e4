package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.AdjustableClock;
import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Buckets shared through PostgreSQL refill by the application's clock, the one every node keeps in
 * step with PostgreSQL's (job time), not by each host's own: nodes whose clocks disagree would
 * otherwise each refill a client's bucket by their own idea of the time passed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SharedRateLimitClockTest {

    private static final String SCHEMA = Infrastructure.uniqueName("ratelimitclock");

    @TestConfiguration(proxyBeanMethods = false)
    static class AdjustableApplicationClock {
        /** Primary: the application's own clock bean is made too. */
        @Bean
        @Primary
        AdjustableClock adjustableClock() {
            return new AdjustableClock();
        }
    }

    @DynamicPropertySource
    static void apiOnPostgresWithRateLimits(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, Infrastructure.postgresUrl() + "?currentSchema=" + SCHEMA, SCHEMA);
        registry.add("tally.roles", () -> "api");
        registry.add("tally.rate-limit.enabled", () -> "true");
        registry.add("tally.rate-limit.requests-per-minute", () -> "6");
    }

    @BeforeAll
    static void removeSchemaWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @LocalServerPort
    int port;

    @Autowired
    AdjustableClock clock;

    @Autowired
    SharedRateLimitBuckets buckets;

    @Autowired
    JdbcClient jdbc;

    /** Every distinct client (an anonymous one per address) left its row for good. */
    @Test
    void removesAClientsSharedBucketOnceItIsFullAgain() {
        assertThat(new Api(port).get("/api/v1/jobs").status()).isEqualTo(200);
        assertThat(rows()).isEqualTo(1);
        assertThat(buckets.removeExpired()).as("a bucket still refilling stays").isZero();

        clock.advance(Duration.ofSeconds(11)); // one request's worth of refill: full again

        assertThat(buckets.removeExpired()).isEqualTo(1);
        assertThat(rows()).isZero();
    }

    private int rows() {
        return jdbc.sql("SELECT COUNT(*) FROM rate_limit_bucket").query(Integer.class).single();
    }

    @Test
    void refillsAClientsSharedBucketByTheApplicationsClock() {
        Api api = new Api(port);
        for (int i = 0; i < 6; i++) {
            assertThat(api.get("/api/v1/jobs").status()).as("request %d", i).isEqualTo(200);
        }
        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(429);

        // One request's worth of refill (6 a minute), by the application's clock only.
        clock.advance(Duration.ofSeconds(10));

        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(429);
    }
}
