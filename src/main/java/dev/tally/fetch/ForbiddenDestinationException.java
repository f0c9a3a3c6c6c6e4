package dev.tally.fetch;

import java.net.UnknownHostException;

/**
 * A host whose addresses include a forbidden one. It extends UnknownHostException only because
 * that is all {@link org.apache.hc.client5.http.DnsResolver} may throw; the fetcher tells the two
 * apart, so it is never reported as a DNS failure.
 */
final class ForbiddenDestinationException extends UnknownHostException {

    ForbiddenDestinationException(String host) {
        super(host + " resolves to a forbidden address");
    }
}
