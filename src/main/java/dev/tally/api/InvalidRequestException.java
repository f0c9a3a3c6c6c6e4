package dev.tally.api;

/** A request that breaks the contract's rules; the message is shown to the client (400). */
final class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message);
    }
}
