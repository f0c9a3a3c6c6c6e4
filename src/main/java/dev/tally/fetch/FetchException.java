package dev.tally.fetch;

import dev.tally.job.ErrorCode;

/** A fetch that did not produce a page, with the contract's error code and retryability. */
public final class FetchException extends Exception {

    private final ErrorCode code;
    private final boolean retryable;
    private final Integer httpStatus;

    public FetchException(ErrorCode code, boolean retryable, Integer httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
        this.httpStatus = httpStatus;
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

    /** The HTTP status of the final answer for HTTP_STATUS failures, else null. */
    public Integer httpStatus() {
        return httpStatus;
    }
}
