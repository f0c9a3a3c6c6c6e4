package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;

class TimedDnsResolverTest {

    /** Answers example.org at once and never answers for slow.example (until interrupted). */
    private static final class NameServers implements DnsResolver {

        final CountDownLatch slowLookupEnded = new CountDownLatch(1);

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (host.equals("slow.example")) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    slowLookupEnded.countDown();
                }
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14})};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    @Test
    void answersALookupThatFinishesInTime() throws Exception {
        try (TimedDnsResolver resolver = new TimedDnsResolver(new NameServers(), Duration.ofSeconds(5), "test-dns")) {
            assertThat(resolver.resolve("example.org")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
        }
    }

    @Test
    void givesUpOnALookupAtItsTimeoutAndStopsWaitingForIt() throws Exception {
        NameServers servers = new NameServers();
        try (TimedDnsResolver resolver = new TimedDnsResolver(servers, Duration.ofMillis(200), "test-dns")) {
            TimedDnsResolver.SlowLookupException e =
                    catchThrowableOfType(TimedDnsResolver.SlowLookupException.class, () -> resolver.resolve("slow.example"));

            assertThat(e).hasMessage("slow.example: no answer within 200 ms");
            assertThat(servers.slowLookupEnded.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void stopsWaitingWhenTheCallerIsInterruptedAndKeepsTheInterrupt() throws Exception {
        try (TimedDnsResolver resolver = new TimedDnsResolver(new NameServers(), Duration.ofSeconds(30), "test-dns")) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    resolver.resolve("slow.example");
                } catch (UnknownHostException e) {
                    failure.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            caller.start();
            Thread.sleep(200);
            caller.interrupt();
            caller.join(5_000);

            assertThat(caller.isAlive()).isFalse();
            assertThat(failure.get()).hasMessage("slow.example: interrupted");
            assertThat(stillInterrupted.get()).isTrue();
        }
    }

    @Test
    void leavesTheWaitToTheSystemWhenTheTimeoutIsZero() throws Exception {
        try (TimedDnsResolver resolver = new TimedDnsResolver(new NameServers(), Duration.ZERO, "test-dns")) {
            assertThat(resolver.resolve("example.org")).hasSize(1);
        }
    }
}
