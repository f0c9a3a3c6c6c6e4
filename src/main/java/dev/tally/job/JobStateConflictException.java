package dev.tally.job;

/** The job exists but its state does not allow the request (e.g. words of an unfinished job). */
public final class JobStateConflictException extends RuntimeException {

    private final transient Job job;

    public JobStateConflictException(Job job, String message) {
        super(message);
        this.job = job;
    }

    public Job job() {
        return job;
    }
}
