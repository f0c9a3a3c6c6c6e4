package dev.tally.api;

import java.io.IOException;

/** A request body went past {@code tally.api.max-body-size} while being read. */
final class BodyTooLargeException extends IOException {

    BodyTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
