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

    /**
     * Cuts every post under way short: each ends at once with a {@link FetchException}, and its
     * connection is dropped. For a node's stop, which cannot wait for a slow receiver: interrupting
     * the sending thread does not end a blocking send, and the interrupt it leaves behind would land
     * in whatever that thread does next.
     */
    void abortAll();
}
