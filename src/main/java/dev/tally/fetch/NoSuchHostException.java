package dev.tally.fetch;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * A host name that does not exist, which trying again will not change: the name servers answered
 * that there is no such name (or no address for it), or the name is under {@code .invalid}, which
 * never resolves (RFC 6761, 6.4: answered here without asking). Unlike a lookup that got no answer
 * or a resolver's error, which may be temporary.
 *
 * <p>Java gives the system resolver's verdict only as its message ({@code getaddrinfo}'s error
 * text); the texts of glibc, macOS and Windows for "no such name" are recognised. Any other text,
 * a translated one too, is taken as possibly temporary.
 */
final class NoSuchHostException extends UnknownHostException {

    private static final List<String> NO_SUCH_NAME = List.of(
            "name or service not known",                    // glibc EAI_NONAME
            "no address associated with hostname",          // glibc EAI_NODATA: the name has no address
            "nodename nor servname provided, or not known", // macOS EAI_NONAME
            "no such host is known");                       // Windows WSAHOST_NOT_FOUND

    NoSuchHostException(String message) {
        super(message);
    }

    /** Whether {@code host} is under the reserved top-level domain {@code .invalid}. */
    static boolean isReservedInvalid(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("invalid") || name.endsWith(".invalid");
    }

    /** {@code e} as a definite answer when the system's resolver said there is no such name, else {@code e}. */
    static UnknownHostException definiteOr(UnknownHostException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        for (String noSuchName : NO_SUCH_NAME) {
            if (message.contains(noSuchName)) {
                NoSuchHostException definite = new NoSuchHostException(e.getMessage());
                definite.initCause(e);
                return definite;
            }
        }
        return e;
    }
}
