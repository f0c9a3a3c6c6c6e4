package dev.tally.job;

import dev.tally.signal.PeriodicTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Compares this host's clock with PostgreSQL's, at start (before workers, reconciler and API run)
 * and every {@code tally.clock.check-interval}, and moves the {@link StoreClock} to PostgreSQL's
 * time while they are more than {@code tally.clock.max-skew} apart. Without it a node whose clock
 * ran ahead by more than a lease took every job other workers were running as abandoned (each ran
 * again and again, then failed), and one behind left jobs released to it undue for as long.
 * The embedded store shares the host's clock and needs none of this.
 */
@Component
@ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('jdbc:postgresql:')")
class StoreClockAlignment implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StoreClockAlignment.class);
    static final String SKEW = "tally.clock.skew";
    /** Readings per check; the one with the shortest round trip is kept. */
    private static final int READINGS = 3;

    private final JdbcTemplate jdbc;
    private final StoreClock clock;
    private final ClockProperties properties;
    /** The host's clock minus PostgreSQL's at the last check, in seconds; NaN before one worked. */
    private volatile double lastSkewSeconds = Double.NaN;
    private PeriodicTask checks;

    StoreClockAlignment(JdbcTemplate jdbc, StoreClock clock, ClockProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        Gauge.builder(SKEW, this, alignment -> alignment.lastSkewSeconds)
                .description("this host's clock minus PostgreSQL's at the last check (tally.clock.check-interval);"
                        + " job time follows PostgreSQL's while they are more than tally.clock.max-skew apart")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Compares the clocks once and moves the job clock if they are out of step. */
    void check() {
        Duration skew = measureSkew();
        lastSkewSeconds = skew.toNanos() / 1e9;
        Duration applied = clock.offset();
        Duration apart = skew.abs();
        if (applied.isZero()) {
            if (apart.compareTo(properties.maxSkew()) > 0) {
                clock.offset(skew.negated());
                log.warn("this host's clock is {} {} PostgreSQL's: jobs are timed by PostgreSQL's clock"
                                + " (leases, retries, timestamps) until the two are within {}; fix the host's time synchronisation",
                        seconds(apart), skew.isNegative() ? "behind" : "ahead of", seconds(properties.maxSkew().dividedBy(2)));
            }
        } else if (apart.compareTo(properties.maxSkew().dividedBy(2)) <= 0) {
            clock.offset(Duration.ZERO);
            log.info("this host's clock is back in step with PostgreSQL's ({} apart): jobs are timed by it again", seconds(apart));
        } else {
            clock.offset(skew.negated());
        }
    }

    /** This host's time minus PostgreSQL's, taken from the reading with the shortest round trip. */
    private Duration measureSkew() {
        return jdbc.execute((ConnectionCallback<Duration>) connection -> {
            Duration best = null;
            long bestRoundTrip = Long.MAX_VALUE;
            try (PreparedStatement statement = connection.prepareStatement("SELECT clock_timestamp()")) {
                for (int i = 0; i < READINGS; i++) {
                    Instant sent = clock.hostInstant();
                    long started = System.nanoTime();
                    Timestamp store;
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        store = rs.getTimestamp(1);
                    }
                    long roundTrip = System.nanoTime() - started;
                    if (roundTrip < bestRoundTrip) {
                        bestRoundTrip = roundTrip;
                        Instant hostMidway = sent.plusNanos(roundTrip / 2);
                        best = Duration.between(store.toInstant(), hostMidway);
                    }
                }
            }
            return best;
        });
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }

    private void checkOrSayWhy() {
        try {
            check();
        } catch (RuntimeException e) {
            // The store being away is reported by health and by every path that needs it.
            log.debug("could not compare this host's clock with PostgreSQL's: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        checkOrSayWhy();
        checks = PeriodicTask.start("tally-clock-check", properties.checkInterval(), this::checkOrSayWhy);
    }

    @Override
    public void stop() {
        if (checks != null) {
            checks.stop();
            checks = null;
        }
    }

    @Override
    public boolean isRunning() {
        return checks != null;
    }

    /** Before everything that reads the job clock starts, after it stops. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 8192;
    }
}
