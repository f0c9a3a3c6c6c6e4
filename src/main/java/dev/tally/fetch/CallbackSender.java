package dev.tally.fetch;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs a callback (webhook) under the same destination rules as fetching: a host that resolves
 * to a forbidden address is never contacted, on any redirect-free single request. Thread-safe.
 */
public interface CallbackSender {

    /**
     * @return the HTTP status of the answer (any status; the caller decides what counts as delivered)
     * @throws FetchException when no answer was had (DNS, CONNECT, TIMEOUT, FORBIDDEN_DESTINATION)
     */
    int post(URI url, Map<String, String> headers, byte[] jsonBody, Duration timeout)
            throws FetchException, InterruptedException;
}
