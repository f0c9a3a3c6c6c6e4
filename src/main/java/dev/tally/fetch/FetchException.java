package dev.tally.fetch;

import dev.tally.job.ErrorCode;

/** A fetch that did not produce a page, with the contract's error code and retryability. */
public final class FetchException extends Exception {

    private final ErrorCode code;
    private final boolean retryable;
    private final Integer httpStatus;
    private final java.time.Duration deferral;

    /**
     * The site is busy with this process's other fetches (per-host limits): nothing was sent, and
     * the job should simply come back after {@code retryAfter}, without counting an attempt.
     */
    public static FetchException hostBusy(String host, java.time.Duration retryAfter) {
        return new FetchException(ErrorCode.TIMEOUT, true, null,
                "waiting for a turn at " + host + " (per-host limits)", null, retryAfter);
    }

    /**
     * How long a deferred job stays out of the queue: 1 to 2 s, jittered, so that jobs deferred
     * together do not all come back at once.
     */
    public static java.time.Duration shortDeferral() {
        return java.time.Duration.ofMillis(1000 + java.util.concurrent.ThreadLocalRandom.current().nextLong(1000));
    }

    /**
     * Nothing more could be read yet: the pages and texts already being counted take the heap
     * budget for large documents. The job comes back after {@code retryAfter}, without using an
     * attempt.
     */
    public static FetchException memoryBusy(java.time.Duration retryAfter) {
        return new FetchException(ErrorCode.TIMEOUT, true, null,
                "waiting for room for large documents (tally.fetch.large-page-heap-percent)", null, retryAfter);
    }

    private FetchException(ErrorCode code, boolean retryable, Integer httpStatus, String message, Throwable cause,
                           java.time.Duration deferral) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
        this.httpStatus = httpStatus;
        this.deferral = deferral;
    }

    public FetchException(ErrorCode code, boolean retryable, Integer httpStatus, String message, Throwable cause) {
        this(code, retryable, httpStatus, message, cause, null);
    }

    public FetchException(ErrorCode code, boolean retryable, String message) {
        this(code, retryable, null, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    /**
     * Present when the job should come back after this long without using an attempt: the fetch
     * found no turn at the host ({@link #hostBusy}) or no room for a large page ({@link #memoryBusy}).
     */
    public java.util.Optional<java.time.Duration> deferral() {
        return java.util.Optional.ofNullable(deferral);
    }

    /** The HTTP status of the final answer for HTTP_STATUS failures, else null. */
    public Integer httpStatus() {
        return httpStatus;
    }
}
