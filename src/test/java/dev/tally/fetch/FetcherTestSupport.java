package dev.tally.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.springframework.util.unit.DataSize;

final class FetcherTestSupport {

    static final String USER_AGENT = "TallyTest/1.0";

    /** The production default, whose product token "Tally" robots.txt groups name. */
    static final String TALLY_USER_AGENT = "Tally/0.1 (+https://github.com/tally-dev/tally)";

    private FetcherTestSupport() {
    }

    /**
     * Small limits so the slow and large cases fail fast. Robots are honoured (TestServer has no
     * robots.txt, so everything is allowed) and requests are not spaced, so tests stay quick.
     */
    static FetchProperties properties(boolean allowPrivateNetworks) {
        return properties(allowPrivateNetworks, Duration.ofSeconds(3), Duration.ofMillis(700));
    }

    static FetchProperties properties(boolean allowPrivateNetworks, Duration timeout, Duration readTimeout) {
        return new FetchProperties(allowPrivateNetworks, DataSize.ofKilobytes(64), timeout,
                Duration.ofSeconds(1), readTimeout, 3, USER_AGENT, true, Duration.ofHours(1), 4, Duration.ZERO, timeout, 40);
    }

    /** For the politeness tests: loopback allowed, Tally's real user agent, the given limits. */
    static FetchProperties politeness(boolean respectRobots, Duration timeout, int perHostConcurrency, Duration perHostInterval) {
        return new FetchProperties(true, DataSize.ofKilobytes(64), timeout, Duration.ofSeconds(1), Duration.ofSeconds(2), 3,
                TALLY_USER_AGENT, respectRobots, Duration.ofHours(1), perHostConcurrency, perHostInterval, timeout, 40);
    }

    /** Politeness limits with a short wait for a turn, after which the job is deferred. */
    static FetchProperties deferring(int perHostConcurrency, Duration maxHostWait) {
        return new FetchProperties(true, DataSize.ofKilobytes(64), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), 3,
                TALLY_USER_AGENT, false, Duration.ofHours(1), perHostConcurrency, Duration.ZERO, maxHostWait, 40);
    }

    /**
     * A fetcher that may reach loopback and reads "localhost" as 127.0.0.1 (never ::1), so that
     * 127.0.0.1 and localhost are two hosts of one test server.
     */
    static HttpPageFetcher loopbackFetcher(FetchProperties properties) {
        DnsResolver dns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return host.equals("localhost")
                        ? new InetAddress[] {InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1})}
                        : SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        return new HttpPageFetcher(properties, new AddressPolicy(true), dns);
    }

    /** Whether {@code thread} is parked inside {@link HostThrottle#acquire}, waiting for a slot at a host. */
    static boolean waitsForAHostSlot(Thread thread) {
        return thread != null && thread.getState() == Thread.State.TIMED_WAITING && isInside(thread, HostThrottle.class, "acquire");
    }

    /** Whether {@code thread} is running, or blocked, inside {@code type}'s method {@code method}. */
    static boolean isInside(Thread thread, Class<?> type, String method) {
        return thread != null && java.util.Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method));
    }
}
