package dev.tally.client;

import java.time.Duration;
import java.util.Optional;

/** The API refused a request, or could not be reached; the message says which and why. */
final class ApiException extends Exception {

    /** Whether the same request may succeed later (the server was unreachable, busy, down or rate limiting). */
    private final boolean temporary;
    /** How long the server asked to wait before asking again ({@code Retry-After}); null if it did not say. */
    private final Duration retryAfter;

    /** The HTTP status the server answered; 0 when there was no answer. */
    private final int status;
    /** The server answered what Tally's API never does (a job without an id): not Tally, or not this version. */
    private final boolean notTheApi;

    ApiException(String message, boolean temporary) {
        this(message, temporary, null, 0);
    }

    ApiException(String message, boolean temporary, Duration retryAfter, int status) {
        this(message, temporary, retryAfter, status, false);
    }

    private ApiException(String message, boolean temporary, Duration retryAfter, int status, boolean notTheApi) {
        super(message);
        this.temporary = temporary;
        this.retryAfter = retryAfter;
        this.status = status;
        this.notTheApi = notTheApi;
    }

    /** An answer that is not what Tally's API answers: every other request would get the like. */
    static ApiException notTheApi(String message, int status) {
        return new ApiException(message, false, null, status, true);
    }

    int status() {
        return status;
    }

    /** The server refused this client, not this request: a missing, unknown or revoked key (401), or no right (403). */
    boolean refusesTheClient() {
        return status == 401 || status == 403;
    }

    /**
     * Whether the run should stop here: the server refused this client, or answers what Tally's API
     * does not, so every other request would fare alike.
     */
    boolean stopsTheRun() {
        return refusesTheClient() || notTheApi;
    }

    boolean temporary() {
        return temporary;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
