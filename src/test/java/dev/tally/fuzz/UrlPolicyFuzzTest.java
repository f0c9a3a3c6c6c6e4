package dev.tally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tally.fetch.InvalidUrlException;
import dev.tally.fetch.UrlPolicy;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@link UrlPolicy#check} on arbitrary strings, under both settings of
 * {@code tally.fetch.allow-private-networks}. Whatever it is given, it either refuses with
 * {@link InvalidUrlException} or returns a URI that keeps every promise of the contract.
 *
 * <p>Regression mode (the normal build) replays {@code UrlPolicyFuzzTestInputs/check/}; fuzz with
 * {@code scripts/fuzz}.
 */
class UrlPolicyFuzzTest {

    /**
     * Built reflectively through the package-private {@code UrlPolicy(AddressPolicy)} constructor
     * rather than from {@code FetchProperties}: a class first loaded while Jazzer's agent is active
     * loses its MethodParameters attribute, and Spring could then no longer bind the
     * {@code FetchProperties} record in a later test of the same JVM (surefire runs every test class
     * in one fork). Loaded lazily, on first use, for the same reason.
     */
    private static final class Policies {
        static final UrlPolicy STRICT = policy(false);
        static final UrlPolicy PERMISSIVE = policy(true);

        private static UrlPolicy policy(boolean allowPrivateNetworks) {
            try {
                Class<?> addressPolicy = Class.forName("dev.tally.fetch.AddressPolicy");
                var newAddressPolicy = addressPolicy.getDeclaredConstructor(boolean.class);
                newAddressPolicy.setAccessible(true);
                var newUrlPolicy = UrlPolicy.class.getDeclaredConstructor(addressPolicy);
                newUrlPolicy.setAccessible(true);
                return newUrlPolicy.newInstance(newAddressPolicy.newInstance(allowPrivateNetworks));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Plain decimal dotted quads without leading zeros: the one spelling every parser agrees on. */
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.?");

    @FuzzTest(maxDuration = "30s")
    void check(byte[] input) {
        String url = new String(input, StandardCharsets.UTF_8);

        URI strict = accepted(Policies.STRICT, url);
        URI permissive = accepted(Policies.PERMISSIVE, url);

        if (strict != null) {
            assertKeepsTheContract(url, strict);
            assertThat(permissive).as("the strict policy accepted %s, so the permissive one must", url).isNotNull();
            String host = host(strict.getRawAuthority());
            InetAddress literal = plainLiteral(host);
            if (literal != null) {
                assertThat(isForbiddenByJava(literal))
                        .as("%s was accepted with private networks disallowed, yet its host %s is %s", url, host, literal)
                        .isFalse();
            }
        }
        if (permissive != null) {
            assertKeepsTheContract(url, permissive);
        }
    }

    /** @return the URI if the policy accepts the URL, null if it refuses it with InvalidUrlException */
    private static URI accepted(UrlPolicy policy, String url) {
        try {
            URI uri = policy.check(url);
            assertThat(uri).as(url).isNotNull();
            return uri;
        } catch (InvalidUrlException refused) {
            assertThat(refused.getMessage()).as(url).startsWith("url ");
            return null;
        }
        // Anything else (IllegalArgumentException, NumberFormatException, ...) escapes and is a finding.
    }

    private static void assertKeepsTheContract(String url, URI uri) {
        assertThat(url.length()).as("length of accepted %s", url).isLessThanOrEqualTo(UrlPolicy.MAX_LENGTH);
        assertThat(uri.toString().length()).as(url).isLessThanOrEqualTo(UrlPolicy.MAX_LENGTH);
        assertThat(uri.isAbsolute()).as("%s accepted as absolute", url).isTrue();
        assertThat(uri.isOpaque()).as("%s accepted as hierarchical", url).isFalse();
        assertThat(uri.getScheme()).as(url).matches("(?i)https?");
        String authority = uri.getRawAuthority();
        assertThat(authority).as("authority of accepted %s", url).isNotEmpty();
        assertThat(authority).as("user info in accepted %s", url).doesNotContain("@");
        assertThat(uri.getRawUserInfo()).as(url).isNull();
        assertThat(host(authority)).as("host of accepted %s", url).isNotEmpty();
    }

    /** The host of an authority without user info, brackets kept for IPv6. */
    private static String host(String authority) {
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority : authority.substring(0, close + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /**
     * The address of a host that Java itself reads unambiguously, without DNS: a plain dotted quad
     * (optionally with the root dot) or a bracketed IPv6 literal. Null for anything else.
     */
    private static InetAddress plainLiteral(String host) {
        try {
            if (DOTTED_QUAD.matcher(host).matches()) {
                return InetAddress.getByName(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                String inner = host.substring(1, host.length() - 1);
                int zone = inner.indexOf('%');
                if (zone >= 0) {
                    inner = inner.substring(0, zone);
                }
                if (!inner.isEmpty() && inner.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80 || c == ':' || c == '.')) {
                    return InetAddress.getByName(inner);
                }
            }
        } catch (UnknownHostException notALiteral) {
            return null;
        }
        return null;
    }

    /**
     * An oracle independent of the product's range table: what the JDK calls non-public, plus the
     * few ranges it has no predicate for.
     */
    private static boolean isForbiddenByJava(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = a[0] & 0xff;
            int second = a[1] & 0xff;
            return first == 0                                    // 0.0.0.0/8
                    || (first == 100 && (second & 0xc0) == 64)   // 100.64.0.0/10, carrier-grade NAT
                    || first >= 240;                             // reserved and broadcast
        }
        if (address instanceof Inet6Address v6) {
            if (v6.isIPv4CompatibleAddress()) {
                try { // ::a.b.c.d delivers to a.b.c.d
                    return isForbiddenByJava(InetAddress.getByAddress(java.util.Arrays.copyOfRange(a, 12, 16)));
                } catch (UnknownHostException impossible) {
                    throw new AssertionError(impossible);
                }
            }
            return (a[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return true;
    }
}
