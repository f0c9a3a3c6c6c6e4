package dev.tally.job;

import java.util.UUID;

/**
 * Published in-process after a job's state change is committed. Listeners must be quick: it is
 * delivered on the thread that made the change.
 */
public record JobChangedEvent(UUID jobId, JobStatus status) {
}
