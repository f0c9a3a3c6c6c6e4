package dev.tally.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides at submit time whether a {@code url} or {@code callbackUrl} may be accepted: absolute
 * http/https, no user info, at most 2,048 characters, and (unless private networks are allowed)
 * no host that is a literal IP address in a forbidden range, in any spelling ({@code 127.1},
 * {@code 2130706433}, {@code 0x7f000001}, {@code [::ffff:127.0.0.1]}, ...).
 *
 * <p>Host names are not resolved here: DNS answers change, so the fetcher checks the address it
 * actually connects to. Thread-safe.
 */
public final class UrlPolicy {

    /** The longest URL accepted, in characters. */
    public static final int MAX_LENGTH = 2048;

    /** Why a URL is refused; the fetcher maps these to error codes for redirect targets. */
    enum Problem {
        NOT_HTTP("must be an absolute http or https URL"),
        USER_INFO("must not contain user info"),
        TOO_LONG("must be at most " + MAX_LENGTH + " characters"),
        FORBIDDEN_ADDRESS("points to a forbidden address");

        private final String reason;

        Problem(String reason) {
            this.reason = reason;
        }

        String message(String fieldName) {
            return fieldName + " " + reason;
        }
    }

    private final AddressPolicy addresses;

    public UrlPolicy(FetchProperties properties) {
        this(new AddressPolicy(properties.allowPrivateNetworks()));
    }

    UrlPolicy(AddressPolicy addresses) {
        this.addresses = addresses;
    }

    /**
     * Checks a submitted {@code url}.
     *
     * @return the parsed URI
     * @throws InvalidUrlException with a client-facing reason naming the field {@code url}
     */
    public URI check(String url) throws InvalidUrlException {
        return check(url, "url");
    }

    /**
     * Checks a URL submitted in the given field, e.g. {@code callbackUrl}.
     *
     * @return the parsed URI
     * @throws InvalidUrlException with a client-facing reason naming {@code fieldName}
     */
    public URI check(String value, String fieldName) throws InvalidUrlException {
        if (value == null) {
            throw new InvalidUrlException(Problem.NOT_HTTP.message(fieldName));
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidUrlException(Problem.TOO_LONG.message(fieldName));
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // java.net.URI throws NumberFormatException, not URISyntaxException, for an IPv6
            // literal with an over-long embedded IPv4 part, e.g. http://[::1.2.3.99999999999]/
            throw new InvalidUrlException(Problem.NOT_HTTP.message(fieldName));
        }
        Optional<Problem> problem = problem(uri);
        if (problem.isPresent()) {
            throw new InvalidUrlException(problem.get().message(fieldName));
        }
        return uri;
    }

    /** The same rules for an already parsed URI, such as a redirect target. */
    Optional<Problem> problem(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || uri.isOpaque()) {
            return Optional.of(Problem.NOT_HTTP);
        }
        String lowerScheme = scheme.toLowerCase(Locale.ROOT);
        if (!lowerScheme.equals("http") && !lowerScheme.equals("https")) {
            return Optional.of(Problem.NOT_HTTP);
        }
        if (uri.toString().length() > MAX_LENGTH) {
            return Optional.of(Problem.TOO_LONG);
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return Optional.of(Problem.NOT_HTTP);
        }
        // Judged on the raw authority: java.net.URI gives no host (and no user info) for
        // registry-style authorities like "a_b@127.1", and HttpClient still connects to them.
        if (authority.indexOf('@') >= 0) {
            return Optional.of(Problem.USER_INFO);
        }
        Optional<String> host = host(authority);
        if (host.isEmpty()) {
            return Optional.of(Problem.NOT_HTTP);
        }
        Optional<InetAddress> literal = HostLiterals.parse(host.get());
        if (literal.isEmpty() && HostLiterals.looksLikeIpv6(host.get())) {
            return Optional.of(Problem.NOT_HTTP);
        }
        if (literal.isPresent() && addresses.isForbidden(literal.get())) {
            return Optional.of(Problem.FORBIDDEN_ADDRESS);
        }
        return Optional.empty();
    }

    /** @return the host part of an authority without user info, or empty if it is malformed */
    private static Optional<String> host(String authority) {
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return Optional.empty();
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? "" : authority.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("[]") || !validPort(port)) {
            return Optional.empty();
        }
        if (!host.startsWith("[") && !validName(host)) {
            return Optional.empty();
        }
        return Optional.of(host);
    }

    private static boolean validPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    /**
     * Percent-escapes and other punctuation are refused in names: resolvers and browsers decode
     * them differently ({@code %31%32%37.0.0.1}), and no real host name needs them.
     */
    private static boolean validName(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c > 0x7f;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
