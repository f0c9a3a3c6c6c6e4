package dev.tally.fetch;

/** A submitted URL that breaks the rules of the contract; the message is safe to show a client. */
public final class InvalidUrlException extends Exception {

    public InvalidUrlException(String message) {
        super(message);
    }
}
