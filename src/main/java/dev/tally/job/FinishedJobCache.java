package dev.tally.job;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tally.text.WordCount;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Finished jobs kept in memory, so that polling a finished job (the common read) costs no store
 * round trip. Only terminal jobs are cached: they never change again, they can only be deleted,
 * and every deletion (here, on another node, or by the retention purge) is announced as a
 * {@link JobDeletedEvent}. A deletion leaves a tombstone for the cache's lifetime, so a read that
 * started before the deletion cannot put the deleted job back. Entries also expire after
 * {@code tally.job-cache.ttl}, which bounds staleness should a node miss a deletion notice.
 */
@Component
class FinishedJobCache {

    /** Stands for a job deleted recently: not cached again until the tombstone expires. */
    private static final Object DELETED = new Object();

    private final boolean enabled;
    private final Cache<UUID, Object> jobs;

    FinishedJobCache(FinishedJobCacheProperties properties) {
        this.enabled = properties.enabled() && properties.maxBytes() > 0;
        this.jobs = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, properties.maxBytes()))
                .weigher((UUID id, Object value) -> value instanceof Job job ? weight(job) : 64)
                .expireAfterWrite(properties.ttl())
                .build();
    }

    /** The cached finished job, if any. */
    Optional<Job> get(UUID id) {
        return enabled && jobs.getIfPresent(id) instanceof Job job ? Optional.of(job) : Optional.empty();
    }

    /** Keeps {@code job} if it is finished and was not deleted meanwhile. */
    void offer(Job job) {
        if (enabled && job.status().isTerminal()) {
            // Atomic per key with the tombstone written by a deletion: a stale read cannot win.
            jobs.asMap().compute(job.id(), (id, current) -> current == DELETED ? DELETED : job);
        }
    }

    @EventListener
    void onDeleted(JobDeletedEvent event) {
        if (enabled) {
            jobs.put(event.jobId(), DELETED);
        }
    }

    /** A rough estimate of the bytes a job takes on the heap: fixed fields plus the top words. */
    private static int weight(Job job) {
        int bytes = 600 + (job.source().url() == null ? 0 : 2 * job.source().url().length());
        if (job.summary() != null) {
            for (WordCount word : job.summary().topWords()) {
                bytes += 64 + 2 * word.word().length();
            }
        }
        if (job.error() != null && job.error().message() != null) {
            bytes += 2 * job.error().message().length();
        }
        return bytes;
    }
}
