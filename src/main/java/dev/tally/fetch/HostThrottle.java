package dev.tally.fetch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Politeness toward one host: at most {@code concurrency} requests in flight, and request starts
 * at least an interval apart, so thousands of jobs for one site do not hammer it. Waiting is
 * bounded by the caller's deadline and ends at once on interrupt; waiters are served in order.
 *
 * <p>The state of a host is dropped once nobody uses or waits for it and its last start lies
 * further back than any interval could reach, so the map only holds recently busy hosts.
 * Per process: several Tally processes each keep their own limits. Thread-safe.
 */
final class HostThrottle {

    /** How often idle hosts are swept out, piggybacked on acquire so no thread is needed. */
    private static final long SWEEP_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int concurrency;
    private final long retentionNanos;
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    private final long sweepPeriodNanos;
    private final AtomicLong nextSweep;

    /**
     * @param concurrency requests in flight at once per host
     * @param maxIntervalNanos the longest interval any {@link #acquire} will ask for; a host's
     *     state is kept at least that long after its last start
     */
    HostThrottle(int concurrency, long maxIntervalNanos) {
        this(concurrency, maxIntervalNanos, SWEEP_PERIOD_NANOS);
    }

    /** @param sweepPeriodNanos how often idle hosts are looked for; tests shorten it */
    HostThrottle(int concurrency, long maxIntervalNanos, long sweepPeriodNanos) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.concurrency = concurrency;
        this.retentionNanos = Math.max(0, maxIntervalNanos);
        this.sweepPeriodNanos = sweepPeriodNanos;
        this.nextSweep = new AtomicLong(System.nanoTime() + sweepPeriodNanos);
    }

    /** A slot at one host; closing it lets the next request in. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a free slot at {@code host} and then until {@code intervalNanos} have passed since
     * the previous start there.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value; no waiting goes beyond it
     * @return the permit, or null when the request could not start before the deadline
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    Permit acquire(String host, long intervalNanos, long deadlineNanos) throws InterruptedException {
        sweepNowAndThen();
        Host state = hosts.compute(host, (key, existing) -> {
            Host h = existing == null ? new Host(concurrency) : existing;
            h.users++; // under the map's lock for this key, so a sweep never drops a host in use
            return h;
        });
        boolean acquired = false;
        boolean started = false;
        try {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 || !state.slots.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                return null;
            }
            acquired = true;
            long start = state.reserveStart(Math.max(0, intervalNanos), deadlineNanos);
            if (start == Host.TOO_LATE) {
                return null; // fail now rather than sleep to a start the deadline forbids
            }
            long wait = start - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            started = true;
            return () -> release(host, state);
        } finally {
            if (!started) {
                if (acquired) {
                    state.slots.release();
                }
                leave(host, state);
            }
        }
    }

    /** Hosts with state right now: those in use, waited for, or started recently. */
    int trackedHosts() {
        return hosts.size();
    }

    private void release(String host, Host state) {
        state.slots.release();
        leave(host, state);
    }

    private void leave(String host, Host state) {
        hosts.computeIfPresent(host, (key, h) -> {
            if (h == state) {
                h.users--;
            }
            return h;
        });
    }

    private void sweepNowAndThen() {
        long now = System.nanoTime();
        long due = nextSweep.get();
        if (now - due < 0 || !nextSweep.compareAndSet(due, now + sweepPeriodNanos)) {
            return;
        }
        for (String host : hosts.keySet()) {
            // Atomic per key with the increment in acquire: a host either stays (someone came
            // back in time) or a later request starts afresh, which is safe once it is idle long enough.
            hosts.computeIfPresent(host, (key, h) -> h.users == 0 && h.idleSince(now) >= retentionNanos ? null : h);
        }
    }

    private static final class Host {

        static final long TOO_LATE = Long.MIN_VALUE;

        final Semaphore slots;
        /** Guarded by the map's lock for this host's key. */
        int users;
        /** Start time handed out last, possibly in the future; guarded by this. */
        private long lastStart;
        private boolean everStarted;

        Host(int concurrency) {
            this.slots = new Semaphore(concurrency, true);
        }

        /** @return when the caller may start, or TOO_LATE (nothing reserved) if after the deadline */
        synchronized long reserveStart(long intervalNanos, long deadlineNanos) {
            long now = System.nanoTime();
            long start = everStarted && lastStart + intervalNanos - now > 0 ? lastStart + intervalNanos : now;
            if (start - deadlineNanos > 0) {
                return TOO_LATE;
            }
            lastStart = start;
            everStarted = true;
            return start;
        }

        synchronized long idleSince(long now) {
            return everStarted ? now - lastStart : Long.MAX_VALUE;
        }
    }
}
