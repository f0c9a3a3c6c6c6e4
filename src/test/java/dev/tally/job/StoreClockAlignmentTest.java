package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.AdjustableClock;
import dev.tally.support.Infrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The job clock against a real PostgreSQL's: left alone while the host's clock is within
 * {@code tally.clock.max-skew}, moved to PostgreSQL's time beyond it, and given back to the host's
 * once the two are within half of it again.
 */
class StoreClockAlignmentTest {

    private final AdjustableClock host = new AdjustableClock();
    private final StoreClock clock = new StoreClock(host);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StoreClockAlignment alignment = new StoreClockAlignment(postgres(), clock,
            new ClockProperties(Duration.ofSeconds(1), Duration.ofMinutes(1)), meters);

    @Test
    void leavesAHostClockWithinTheMaxSkewAlone() {
        host.setOff(Duration.ofMillis(400));

        alignment.check();

        assertThat(clock.offset()).isZero();
        assertThat(meters.get(StoreClockAlignment.SKEW).gauge().value()).isBetween(0.3, 0.5);
    }

    @Test
    void followsPostgresWhileTheHostClockIsBehindByMoreThanTheMaxSkew() {
        host.setOff(Duration.ofSeconds(-90));

        alignment.check();

        assertThat(clock.offset()).isBetween(Duration.ofMillis(89_900), Duration.ofMillis(90_100));
        assertThat(Duration.between(databaseNow(), clock.instant()).abs()).isLessThan(Duration.ofMillis(100));
    }

    @Test
    void keepsFollowingPostgresWhileTheClocksAreMoreThanHalfTheMaxSkewApart() {
        host.setOff(Duration.ofSeconds(5));
        alignment.check();

        host.setOff(Duration.ofMillis(800));
        alignment.check();

        assertThat(clock.offset()).isBetween(Duration.ofMillis(-900), Duration.ofMillis(-700));
    }

    @Test
    void givesTheHostClockBackOnceTheClocksAreInStepAgain() {
        host.setOff(Duration.ofSeconds(5));
        alignment.check();

        host.setOff(Duration.ZERO);
        alignment.check();

        assertThat(clock.offset()).isZero();
    }

    private static JdbcTemplate postgres() {
        return new JdbcTemplate(Infrastructure.postgresAdminDataSource());
    }

    private static Instant databaseNow() {
        return Infrastructure.postgresAdmin().sql("SELECT clock_timestamp()").query(java.sql.Timestamp.class).single().toInstant();
    }
}
