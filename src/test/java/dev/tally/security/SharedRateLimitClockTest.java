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

    /**
     * Every distinct client (an anonymous one per address) left its row for good. Bucket4j writes
     * when a row's bucket is full again by the host's clock (not this test's), so the test sets
     * that time itself for "full again".
     */
    @Test
    void removesAClientsSharedBucketOnceItIsFullAgain() {
        clock.advance(Duration.ofMinutes(1)); // full, whatever the other tests left
        assertThat(new Api(port).get("/api/v1/jobs").status()).isEqualTo(200);
        Long expiresAt = jdbc.sql("SELECT expires_at FROM rate_limit_bucket WHERE id = 'ip:127.0.0.1|6'")
                .query(Long.class).single();
        assertThat(expiresAt).as("full again in about 10 s").isGreaterThan(System.currentTimeMillis());

        assertThat(buckets.removeExpired()).as("a bucket still refilling stays").isZero();
        jdbc.sql("UPDATE rate_limit_bucket SET expires_at = :past WHERE id = 'ip:127.0.0.1|6'")
                .param("past", System.currentTimeMillis() - 60_000).update();
        assertThat(buckets.removeExpired()).as("full a minute ago: within the margin for hosts' clocks").isZero();
        jdbc.sql("UPDATE rate_limit_bucket SET expires_at = :past WHERE id = 'ip:127.0.0.1|6'")
                .param("past", System.currentTimeMillis() - SharedRateLimitBuckets.CLOCK_MARGIN.toMillis() - 1).update();

        assertThat(buckets.removeExpired()).isEqualTo(1);
        assertThat(rows()).isZero();
    }

    /** Rows of an earlier version (or of its nodes during a rolling upgrade) have no expiry. */
    @Test
    void removesABucketWrittenWithoutAnExpiry() {
        jdbc.sql("INSERT INTO rate_limit_bucket (id, state) VALUES ('ip:192.0.2.7|6', :state)")
                .param("state", new byte[] {1}).update();

        buckets.removeExpired();

        assertThat(jdbc.sql("SELECT COUNT(*) FROM rate_limit_bucket WHERE id = 'ip:192.0.2.7|6'").query(Integer.class).single())
                .isZero();
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
