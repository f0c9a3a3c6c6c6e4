package dev.tally.job;

/** A submission's Idempotency-Key cannot be honoured as asked. */
public final class IdempotencyConflictException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** The first request with this key is still being processed (409). */
        IN_FLIGHT,
        /** The key was used with a different request body (422). */
        DIFFERENT_REQUEST
    }

    private final Reason reason;

    public IdempotencyConflictException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
