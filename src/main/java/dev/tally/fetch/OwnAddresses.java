package dev.tally.fetch;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this machine's own network interfaces. A public address of the machine Tally
 * runs on leads back to the machine itself, where a service bound to all interfaces answers it
 * from inside whatever firewall keeps it from the internet: {@link AddressPolicy} forbids them
 * with the private ranges. Looked up again at most every 30 s, as interfaces come and go.
 */
final class OwnAddresses implements Predicate<InetAddress> {

    /** The machine's interfaces, shared by every policy. */
    static final OwnAddresses SYSTEM = new OwnAddresses();

    private static final Logger log = LoggerFactory.getLogger(OwnAddresses.class);
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private volatile Snapshot snapshot;

    private OwnAddresses() {
    }

    @Override
    public boolean test(InetAddress address) {
        return current().contains(address);
    }

    Set<InetAddress> current() {
        Snapshot last = snapshot;
        long now = System.nanoTime();
        if (last == null || now - last.at() > MAX_AGE_NANOS) {
            last = new Snapshot(lookUp(last), now);
            snapshot = last;
        }
        return last.addresses();
    }

    private static Set<InetAddress> lookUp(Snapshot previous) {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (SocketException | RuntimeException e) {
            // The private ranges still hold; the machine's public addresses are as last seen.
            log.warn("could not list this machine's network addresses; using those seen before", e);
            return previous == null ? Set.of() : previous.addresses();
        }
    }

    private record Snapshot(Set<InetAddress> addresses, long at) {
    }
}
