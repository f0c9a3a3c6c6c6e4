package dev.tally.api;

import java.io.IOException;
import java.time.Duration;

/** A request body was not all received within {@code tally.api.body-read-timeout}. */
final class BodyReadTimeoutException extends IOException {

    BodyReadTimeoutException(Duration timeout) {
        super("the request body was not received within " + timeout.toSeconds() + " s");
    }
}
