package dev.tally.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Decides whether an address may be contacted. Everything that is not public unicast is
 * forbidden unless private networks are allowed (for IPv6: everything outside 2000::/3, and the
 * special-purpose ranges inside it), so Tally cannot be turned into a proxy into the
 * network it runs in (SSRF). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
 * 6to4) are judged by that IPv4 address, because that is where the packets end up. The addresses
 * of the machine's own interfaces are forbidden too, whatever their range ({@link OwnAddresses}).
 *
 * <p>Not final only so tests can let their own loopback server through while forbidding the rest.
 */
class AddressPolicy {

    /** IPv4 ranges as {network, prefix length}. */
    private static final int[][] FORBIDDEN_V4 = {
        {ipv4(0, 0, 0, 0), 8},          // "this" network
        {ipv4(10, 0, 0, 0), 8},         // private
        {ipv4(100, 64, 0, 0), 10},      // carrier-grade NAT
        {ipv4(127, 0, 0, 0), 8},        // loopback
        {ipv4(169, 254, 0, 0), 16},     // link-local, cloud metadata services live here
        {ipv4(172, 16, 0, 0), 12},      // private
        {ipv4(192, 0, 0, 0), 24},       // IETF protocol assignments
        {ipv4(192, 0, 2, 0), 24},       // documentation
        {ipv4(192, 88, 99, 0), 24},     // deprecated 6to4 relay anycast (RFC 7526)
        {ipv4(192, 168, 0, 0), 16},     // private
        {ipv4(198, 18, 0, 0), 15},      // benchmarking
        {ipv4(198, 51, 100, 0), 24},    // documentation
        {ipv4(203, 0, 113, 0), 24},     // documentation
        {ipv4(224, 0, 0, 0), 4},        // multicast
        {ipv4(240, 0, 0, 0), 4},        // reserved, includes 255.255.255.255
    };

    private final boolean allowPrivateNetworks;
    private final Predicate<InetAddress> ownAddresses;

    AddressPolicy(boolean allowPrivateNetworks) {
        this(allowPrivateNetworks, OwnAddresses.SYSTEM);
    }

    /** @param ownAddresses whether an address is one of this machine's */
    AddressPolicy(boolean allowPrivateNetworks, Predicate<InetAddress> ownAddresses) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.ownAddresses = ownAddresses;
    }

    boolean allowsPrivateNetworks() {
        return allowPrivateNetworks;
    }

    boolean isForbidden(InetAddress address) {
        return !allowPrivateNetworks && (isNonPublic(address) || isOwn(address));
    }

    private boolean isOwn(InetAddress address) {
        if (ownAddresses.test(address)) {
            return true;
        }
        OptionalInt carried = address instanceof Inet6Address ? embeddedIpv4(address.getAddress()) : OptionalInt.empty();
        return carried.isPresent() && ownAddresses.test(ipv4Address(carried.getAsInt()));
    }

    static boolean isNonPublic(InetAddress address) {
        if (address instanceof Inet4Address) {
            return isNonPublicV4(toInt(address.getAddress(), 0));
        }
        if (address instanceof Inet6Address) {
            return isNonPublicV6(address.getAddress());
        }
        return true; // an address family we do not know cannot be judged safe
    }

    private static boolean isNonPublicV4(int address) {
        for (int[] range : FORBIDDEN_V4) {
            if (inPrefix(address, range[0], range[1])) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonPublicV6(byte[] a) {
        // ::, ::1 embed 0.0.0.0 and 0.0.0.1, which fall in 0.0.0.0/8, so they are caught too.
        OptionalInt carried = embeddedIpv4(a);
        if (carried.isPresent()) {
            return isNonPublicV4(carried.getAsInt());
        }
        if (startsWith(a, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            return true; // 64:ff9b:1::/48, NAT64 for local use (RFC 8215): translates to anything
        }
        // Everything else outside global unicast 2000::/3 is not public: unique local fc00::/7,
        // link-local, site-local, multicast, discard-only 100::/64, SRv6 SIDs 5f00::/16, the
        // IPv4-translated ::ffff:0:0:0/96 (a translator delivers it to the IPv4 address), and
        // space the IANA has not allocated.
        if ((a[0] & 0xe0) != 0x20) {
            return true;
        }
        if (startsWith(a, 0x20, 0x01) && (a[2] & 0xfe) == 0) {
            return true; // IETF protocol assignments 2001::/23: Teredo (embeds IPv4), benchmarking, ORCHID
        }
        if (startsWith(a, 0x20, 0x01, 0x0d, 0xb8)) {
            return true; // documentation 2001:db8::/32
        }
        return startsWith(a, 0x3f, 0xff) && (a[2] & 0xf0) == 0; // documentation 3fff::/20
    }

    /**
     * The IPv4 address an IPv6 form carries, where the packets end up: ::/96 (::, ::1 and the
     * deprecated IPv4-compatible form), IPv4-mapped ::ffff:0:0/96, NAT64's well-known prefix
     * 64:ff9b::/96, and 6to4 2002::/16.
     */
    private static OptionalInt embeddedIpv4(byte[] a) {
        if (zeros(a, 0, 10) && ((a[10] == 0 && a[11] == 0) || (a[10] == (byte) 0xff && a[11] == (byte) 0xff))) {
            return OptionalInt.of(toInt(a, 12));
        }
        if (startsWith(a, 0x00, 0x64, 0xff, 0x9b) && zeros(a, 4, 12)) {
            return OptionalInt.of(toInt(a, 12));
        }
        if (startsWith(a, 0x20, 0x02)) {
            return OptionalInt.of(toInt(a, 2));
        }
        return OptionalInt.empty();
    }

    private static InetAddress ipv4Address(int address) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static boolean inPrefix(int address, int network, int prefixLength) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (address & mask) == (network & mask);
    }

    private static boolean zeros(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] a, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((a[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int toInt(byte[] a, int offset) {
        return (a[offset] & 0xff) << 24 | (a[offset + 1] & 0xff) << 16 | (a[offset + 2] & 0xff) << 8 | (a[offset + 3] & 0xff);
    }

    private static int ipv4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
