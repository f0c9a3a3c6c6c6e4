package dev.tally.fetch;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves host names for HttpClient and refuses those with a forbidden address, so the check is
 * made on the very addresses a connection is opened to (no gap for DNS rebinding between check
 * and connect). Literal IPs in any spelling are answered here, with inet_aton semantics, so the
 * address connected to is the one {@link UrlPolicy} judged.
 *
 * <p>A name is refused if ANY of its addresses is forbidden, not just filtered: HttpClient tries
 * the addresses in turn, so an attacker who lists a public address that refuses connections
 * followed by an internal one would otherwise still reach the internal one, and a name that mixes
 * public and internal answers is a rebinding signal rather than a page anyone needs to count.
 *
 * <p>A name that does not exist fails with {@link NoSuchHostException}, which is not retried (and
 * so does Java's cached repeat of that answer, {@link MissingHosts}); a lookup that may have failed
 * for the moment with a plain {@link UnknownHostException}.
 */
final class GuardedDnsResolver implements DnsResolver {

    private final AddressPolicy policy;
    private final DnsResolver system;

    GuardedDnsResolver(AddressPolicy policy, DnsResolver system) {
        this.policy = policy;
        this.system = system;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Optional<InetAddress> literal = HostLiterals.parse(host);
        InetAddress[] addresses;
        if (literal.isPresent()) {
            addresses = new InetAddress[] {literal.get()};
        } else if (HostLiterals.looksLikeIpv6(host)) {
            throw new NoSuchHostException("invalid IPv6 address");
        } else if (NoSuchHostException.isReservedInvalid(host)) {
            throw new NoSuchHostException(host + ": names under .invalid never resolve");
        } else {
            String name = ascii(host);
            try {
                addresses = system.resolve(name);
            } catch (ForbiddenDestinationException | TimedDnsResolver.SlowLookupException | NoSuchHostException e) {
                throw e;
            } catch (UnknownHostException e) {
                UnknownHostException answer = NoSuchHostException.definiteOr(e);
                if (answer instanceof NoSuchHostException) {
                    MissingHosts.remember(name);
                } else if (MissingHosts.isMissing(name)) {
                    // Java's cached repeat of the answer that said so (MissingHosts)
                    answer = new NoSuchHostException(name + ": no such name (the system's answer of moments ago)");
                    answer.initCause(e);
                }
                throw answer;
            }
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            if (policy.isForbidden(address)) {
                throw new ForbiddenDestinationException(host);
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        resolve(host);
        return system.resolveCanonicalHostname(ascii(host));
    }

    private static String ascii(String host) throws UnknownHostException {
        try {
            return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new NoSuchHostException("invalid host name");
        }
    }
}
