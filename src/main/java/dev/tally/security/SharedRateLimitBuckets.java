package dev.tally.security;

import dev.tally.signal.PeriodicTask;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The rate limits' buckets shared by the API nodes through PostgreSQL (table
 * {@code rate_limit_bucket}), when rate limits are on and the store is PostgreSQL; else none (each
 * node keeps its buckets in memory). A bucket's row says when it is full again; rows past that are
 * deleted every minute, a batch at a time: a client gone for longer than its bucket takes to
 * refill comes back to a full bucket either way, and every distinct client (an anonymous one per
 * address) left a row for good. Deleted {@link #CLOCK_MARGIN} after their time, by this class's
 * own statement (Bucket4j's {@code removeExpired} with a margin); rows without a time (written by
 * a node of an earlier version) likewise.
 */
@Component
class SharedRateLimitBuckets implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SharedRateLimitBuckets.class);
    static final Duration CLEAN_EVERY = Duration.ofMinutes(1);
    /**
     * How long past its time a row stays. Bucket4j writes a row's time by the writing host's clock
     * (and its own {@code removeExpired} compares by the cleaning host's): hosts whose clocks
     * disagree would otherwise delete each other's buckets still refilling, handing their clients
     * a full one. Clocks further apart than this are warned of ({@code tally.clock.*}).
     */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);
    private static final int CLEAN_BATCH = 1_000;
    /**
     * A row past its time and the margin, or without a time: written by a node of an earlier
     * version (Bucket4j writes one with the state; a placeholder row it has not filled yet has neither).
     */
    private static final String GONE = "(expires_at < :cutoff OR (expires_at IS NULL AND state IS NOT NULL))";

    private final ProxyManager<String> manager;
    private final JdbcClient jdbc;
    private PeriodicTask cleaner;

    SharedRateLimitBuckets(RateLimitProperties properties, DataSource dataSource, Clock clock,
                           @Value("${spring.datasource.url:}") String datasourceUrl) {
        this.jdbc = JdbcClient.create(dataSource);
        this.manager = properties.enabled() && datasourceUrl.startsWith("jdbc:postgresql:")
                ? Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                        .primaryKeyMapper(PrimaryKeyMapper.STRING)
                        .table("rate_limit_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                        .clientClock(new ClockTimeMeter(clock))
                        .build()
                : null;
    }

    /** The shared buckets, or null when each node keeps its own. */
    ProxyManager<String> manager() {
        return manager;
    }

    /** Deletes the rows of buckets full again, a batch at a time. @return how many */
    int removeExpired() {
        int removed = 0;
        int batch;
        long cutoff = System.currentTimeMillis() - CLOCK_MARGIN.toMillis();
        do {
            batch = jdbc.sql("DELETE FROM rate_limit_bucket WHERE " + GONE + " AND id IN"
                            + " (SELECT id FROM rate_limit_bucket WHERE " + GONE + " LIMIT :batch FOR UPDATE SKIP LOCKED)")
                    .param("cutoff", cutoff)
                    .param("batch", CLEAN_BATCH)
                    .update();
            removed += batch;
        } while (batch == CLEAN_BATCH);
        return removed;
    }

    private void clean() {
        try {
            int removed = removeExpired();
            if (removed > 0) {
                log.debug("removed {} shared rate-limit bucket(s) full again", removed);
            }
        } catch (RuntimeException e) {
            log.debug("shared rate-limit buckets not cleaned (tried again in {}): {}", CLEAN_EVERY, e.getMessage());
        }
    }

    @Override
    public void start() {
        if (manager == null) {
            return;
        }
        cleaner = PeriodicTask.start("tally-rate-limit-cleaner", CLEAN_EVERY, this::clean);
    }

    @Override
    public void stop() {
        if (cleaner != null) {
            cleaner.stop();
            cleaner = null;
        }
    }

    @Override
    public boolean isRunning() {
        return cleaner != null;
    }
}
