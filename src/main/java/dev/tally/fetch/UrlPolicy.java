package dev.tally.fetch;

import java.net.URI;

/**
 * Decides at submit time whether a {@code url} or {@code callbackUrl} may be accepted: absolute
 * http/https, no user info, at most 2,048 characters, and (unless private networks are allowed)
 * no host that is a literal IP address in a forbidden range, in any spelling ({@code 127.1},
 * {@code 2130706433}, {@code 0x7f000001}, {@code [::ffff:127.0.0.1]}, ...).
 */
public final class UrlPolicy {

    public UrlPolicy(FetchProperties properties) {
    }

    /** @return the parsed URI @throws InvalidUrlException with a client-facing reason */
    public URI check(String url) throws InvalidUrlException {
        throw new UnsupportedOperationException("TODO");
    }

    /** As {@link #check(String)}, naming {@code fieldName} in messages. */
    public URI check(String url, String fieldName) throws InvalidUrlException {
        throw new UnsupportedOperationException("TODO");
    }
}
