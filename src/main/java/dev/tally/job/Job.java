package dev.tally.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A job as stored. {@code version} grows with every change of the job, so it identifies one
 * representation (ETags are built from it).
 *
 * @param summary present only when {@link JobStatus#SUCCEEDED} and loaded
 * @param error present only when {@link JobStatus#FAILED}
 * @param owner the client that created the job; only it can see the job
 */
public record Job(
        UUID id,
        JobStatus status,
        JobSource source,
        String callbackUrl,
        int attempts,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        JobSummary summary,
        JobError error,
        String owner) {
}
