package dev.tally.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The job lifecycle as one explicit table: every state change Tally makes is one of these, and
 * the store applies it as a conditional update on the job's current state, so two workers, or a
 * cancel racing a completion, can never move a job along an edge that is not listed here.
 */
public enum JobTransition {
    /** A worker takes a queued job (an attempt starts). */
    CLAIM(JobStatus.RUNNING, JobStatus.QUEUED),
    /** The attempt produced a result. */
    SUCCEED(JobStatus.SUCCEEDED, JobStatus.RUNNING),
    /** The attempt failed permanently, or the last attempt failed. */
    FAIL(JobStatus.FAILED, JobStatus.RUNNING),
    /** The attempt failed with a retryable error and attempts remain: back to the queue, later. */
    RETRY(JobStatus.QUEUED, JobStatus.RUNNING),
    /** The attempt's worker died, lost its lease or is shutting down: the job is handed back. */
    RELEASE(JobStatus.QUEUED, JobStatus.RUNNING),
    /** The client cancelled; a running attempt's result will be discarded. */
    CANCEL(JobStatus.CANCELLED, JobStatus.QUEUED, JobStatus.RUNNING);

    private final JobStatus target;
    private final Set<JobStatus> sources;

    JobTransition(JobStatus target, JobStatus first, JobStatus... rest) {
        this.target = target;
        this.sources = EnumSet.of(first, rest);
    }

    /** The state a job is in after this transition. */
    public JobStatus target() {
        return target;
    }

    /** The states this transition may start from (never a terminal one). */
    public Set<JobStatus> sources() {
        return EnumSet.copyOf(sources);
    }

    /** Whether a job in {@code status} may take this transition. */
    public boolean allowedFrom(JobStatus status) {
        return sources.contains(status);
    }
}
