package dev.tally.job;

import java.util.UUID;

/**
 * Published in-process after a job was deleted (by a client or by the retention purge), whether
 * here or, with {@code local} false, on another node that shares the store.
 */
public record JobDeletedEvent(UUID jobId, boolean local) {

    public JobDeletedEvent(UUID jobId) {
        this(jobId, true);
    }
}
