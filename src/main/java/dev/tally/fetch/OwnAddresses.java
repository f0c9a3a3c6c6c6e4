package dev.tally.fetch;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this machine's own network interfaces. A public address of the machine Tally
 * runs on leads back to the machine itself, where a service bound to all interfaces answers it
 * from inside whatever firewall keeps it from the internet: {@link AddressPolicy} forbids them
 * with the private ranges. Looked up again every 30 s, as interfaces come and go, by one caller
 * while the others use the last list (a listing takes ~0.3 ms here, ~100 ms with thousands of
 * addresses). Only the interfaces of this process's network namespace are seen: in a container,
 * not the host's addresses, nor local routes ({@code ip route add local}).
 */
final class OwnAddresses implements Predicate<InetAddress> {

    /** The machine's interfaces, shared by every policy. */
    static final OwnAddresses SYSTEM = new OwnAddresses();

    private static final Logger log = LoggerFactory.getLogger(OwnAddresses.class);
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private volatile Snapshot snapshot;
    /** One caller looks the addresses up again; the others go on with the last list meanwhile. */
    private final AtomicBoolean refreshing = new AtomicBoolean();

    private OwnAddresses() {
    }

    @Override
    public boolean test(InetAddress address) {
        return current().contains(address);
    }

    Set<InetAddress> current() {
        Snapshot last = snapshot;
        if (last == null) {
            synchronized (this) {
                if (snapshot == null) {
                    snapshot = lookUp(null);
                }
                return snapshot.addresses();
            }
        }
        if (System.nanoTime() - last.due() >= 0 && refreshing.compareAndSet(false, true)) {
            try {
                last = lookUp(last);
                snapshot = last;
            } finally {
                refreshing.set(false);
            }
        }
        return last.addresses();
    }

    /** The addresses now; after a failure those seen before, looked up again a second later. */
    private static Snapshot lookUp(Snapshot previous) {
        long now = System.nanoTime();
        try {
            Set<InetAddress> addresses = NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .collect(Collectors.toUnmodifiableSet());
            return new Snapshot(addresses, now + MAX_AGE_NANOS, false);
        } catch (SocketException | RuntimeException e) {
            // The private ranges still hold; the machine's public addresses are as last seen.
            if (previous == null || !previous.failed()) {
                log.warn("could not list this machine's network addresses; using those seen before ({}),"
                        + " trying again every second", previous == null ? "none" : previous.addresses().size(), e);
            }
            return new Snapshot(previous == null ? Set.of() : previous.addresses(), now + RETRY_NANOS, true);
        }
    }

    /** @param due when to look again ({@link System#nanoTime()}) */
    private record Snapshot(Set<InetAddress> addresses, long due, boolean failed) {
    }
}
