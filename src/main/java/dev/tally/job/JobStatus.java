package dev.tally.job;

/** The states of a job's lifecycle; {@link JobTransition} says which moves between them exist. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Terminal states never change again. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
