package dev.tally.job;

import dev.tally.signal.PeriodicTask;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes terminal jobs past {@code tally.retention.max-age}, a batch at a time, until none are
 * left, then sleeps for {@code tally.retention.interval}. Safe on many nodes at once: deleting a
 * row twice deletes it once.
 */
@Component
class RetentionPurger implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurger.class);

    private final JobRepository repository;
    private final IdempotencyRepository idempotency;
    private final RetentionProperties properties;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private volatile PeriodicTask purges;

    RetentionPurger(JobRepository repository, IdempotencyRepository idempotency, RetentionProperties properties,
                    ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.idempotency = idempotency;
        this.properties = properties;
        this.events = events;
        this.clock = clock;
    }

    /** @return how many jobs were purged */
    int purgeExpired() {
        Instant cutoff = clock.instant().minus(properties.maxAge());
        int total = 0;
        int deleted;
        do {
            List<UUID> ids = repository.deleteFinishedBefore(cutoff, properties.batchSize());
            ids.forEach(id -> events.publishEvent(new JobDeletedEvent(id)));
            deleted = ids.size();
            total += deleted;
        } while (deleted == properties.batchSize() && purges != null && !purges.isStopped());
        Instant keyCutoff = clock.instant().minus(Jobs.IDEMPOTENCY_WINDOW);
        while (idempotency.deleteCreatedBefore(keyCutoff, properties.batchSize()) == properties.batchSize()
                && purges != null && !purges.isStopped()) {
            // keep purging expired keys batch by batch
        }
        return total;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        purges = PeriodicTask.start("tally-retention", properties.interval(), () -> {
            try {
                int purged = purgeExpired();
                if (purged > 0) {
                    log.info("purged {} job(s) finished more than {} ago", purged, properties.maxAge());
                }
            } catch (RuntimeException e) {
                log.warn("retention purge failed; will try again", e);
            }
        });
    }

    @Override
    public void stop() {
        if (purges != null) {
            purges.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return purges != null && !purges.isStopped();
    }
}
