package dev.tally.job;

/**
 * A large result (a histogram over 256 KiB stored) found no room in the heap budget for large
 * results within 10 s: other large results are being read or sent. Retryable.
 */
public final class ResultsBusyException extends RuntimeException {

    ResultsBusyException(String message) {
        super(message);
    }
}
