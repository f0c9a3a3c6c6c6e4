package dev.tally.client;

/** The API refused a request, or could not be reached; the message says which and why. */
final class ApiException extends Exception {

    /** Whether the same request may succeed later (the server was unreachable, busy or down). */
    private final boolean temporary;

    ApiException(String message, boolean temporary) {
        super(message);
        this.temporary = temporary;
    }

    boolean temporary() {
        return temporary;
    }
}
