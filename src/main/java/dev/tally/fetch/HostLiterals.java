package dev.tally.fetch;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a URL host as an IP address literal the way the C library and browsers do, without any
 * DNS lookup. IPv4 follows {@code inet_aton}: one to four parts, each decimal, octal (leading 0)
 * or hex (0x), the last part filling the remaining bytes, so {@code 127.1}, {@code 2130706433},
 * {@code 0x7f000001}, {@code 0177.0.0.1} and {@code 0x7f.1} are all loopback. Java's own parser
 * reads {@code 0177.0.0.1} as 177.0.0.1 and rejects hex, so it cannot be trusted for a policy
 * decision that the system resolver might later contradict.
 */
final class HostLiterals {

    private HostLiterals() {
    }

    /** @return the address if the host is an IP literal in any spelling, else empty */
    static Optional<InetAddress> parse(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return ipv6(host.substring(1, host.length() - 1));
        }
        if (host.indexOf(':') >= 0) {
            return ipv6(host);
        }
        String ascii = host;
        if (!isAscii(host)) {
            // IDNA mapping folds look-alikes such as full-width digits (１２７.０.０.１) into ASCII,
            // as a browser would before deciding whether the host is an address.
            try {
                ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException notAName) {
                return Optional.empty();
            }
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1); // a trailing root dot does not change the address
        }
        return ipv4(ascii);
    }

    /** @return true if the host is meant as an IPv6 literal (bracketed or containing a colon) */
    static boolean looksLikeIpv6(String host) {
        return host.startsWith("[") || host.indexOf(':') >= 0;
    }

    static Optional<InetAddress> ipv4(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long value = number(parts[i]);
            if (value < 0) {
                return Optional.empty();
            }
            values[i] = value;
        }
        int lastBits = 8 * (5 - parts.length);
        long result = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.empty();
            }
            result = result << 8 | values[i];
        }
        long last = values[parts.length - 1];
        if (last >= 1L << lastBits) {
            return Optional.empty();
        }
        result = result << lastBits | last;
        byte[] bytes = {(byte) (result >>> 24), (byte) (result >>> 16), (byte) (result >>> 8), (byte) result};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException impossible) {
            return Optional.empty(); // only thrown for a wrong array length
        }
    }

    /** @return the value of one inet_aton part, or -1 if it is not a number or exceeds 32 bits */
    private static long number(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        String lower = part.toLowerCase(Locale.ROOT);
        int radix = 10;
        String digits = lower;
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = lower.substring(2); // "0x" alone is 0, as inet_aton and browsers agree
        } else if (lower.length() > 1 && lower.charAt(0) == '0') {
            radix = 8;
            digits = lower.substring(1);
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = Character.digit(digits.charAt(i), radix);
            if (digit < 0 || digits.charAt(i) > 'f') { // Character.digit also accepts non-ASCII digits
                return -1;
            }
            value = value * radix + digit;
            if (value > 0xffff_ffffL) {
                return -1;
            }
        }
        return value;
    }

    private static Optional<InetAddress> ipv6(String text) {
        int zone = text.indexOf('%'); // "%25eth0" in a URI, "%eth0" once decoded; the zone never changes the range
        String address = zone >= 0 ? text.substring(0, zone) : text;
        if (address.isEmpty() || address.indexOf(':') < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!allowed) {
                return Optional.empty();
            }
        }
        try {
            // Only hex digits, colons and dots remain, so this parses a literal and never queries DNS.
            return Optional.of(InetAddress.getByName(address));
        } catch (UnknownHostException invalid) {
            return Optional.empty();
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
