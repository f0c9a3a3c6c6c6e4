package dev.tally.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places this node gives out at once, at most {@code max} in all and {@code maxPerClient} to one
 * client: what holds a connection or a request thread for long, counted so that no client, and
 * no crowd, takes them all. Thread-safe.
 */
final class ClientPlaces {

    private final int max;
    private final int maxPerClient;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

    ClientPlaces(int max, int maxPerClient) {
        this.max = max;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Takes a place for {@code client}.
     *
     * @return what gives the place back; it may be run more than once
     * @throws Refused when the node's places, or the client's share, are all taken
     */
    Runnable take(String client) {
        if (held.incrementAndGet() > max) {
            held.decrementAndGet();
            throw new Refused(false);
        }
        boolean[] taken = {false};
        try {
            perClient.compute(client, (k, open) -> {
                int now = open == null ? 0 : open;
                if (now >= maxPerClient) {
                    return now;
                }
                taken[0] = true;
                return now + 1;
            });
        } catch (RuntimeException | Error e) {
            held.decrementAndGet();
            throw e;
        }
        if (!taken[0]) {
            held.decrementAndGet();
            throw new Refused(true);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                perClient.computeIfPresent(client, (k, open) -> open <= 1 ? null : open - 1);
                held.decrementAndGet();
            }
        };
    }

    int max() {
        return max;
    }

    int maxPerClient() {
        return maxPerClient;
    }

    /** The client's places now. */
    int held(String client) {
        return perClient.getOrDefault(client, 0);
    }

    /** Every place taken now. */
    int held() {
        return held.get();
    }

    /** No place: the client's share ({@link #perClient()} true) or the node's places are all taken. */
    static final class Refused extends RuntimeException {

        private final boolean perClient;

        Refused(boolean perClient) {
            super(null, null, false, false);
            this.perClient = perClient;
        }

        boolean perClient() {
            return perClient;
        }
    }
}
