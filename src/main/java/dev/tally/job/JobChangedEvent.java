package dev.tally.job;

import java.util.UUID;

/**
 * Published in-process after a job's state change is committed, whether this process made the
 * change or another node did ({@code local} false: learned from the store's change
 * notifications). Listeners must be quick: it is delivered on the thread that learned of it.
 */
public record JobChangedEvent(UUID jobId, JobStatus status, boolean local) {

    public JobChangedEvent(UUID jobId, JobStatus status) {
        this(jobId, status, true);
    }
}
