package dev.tally.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Gives a name lookup at most a fixed time (twice {@code tally.fetch.connect-timeout}). The system's
 * lookup ({@code getaddrinfo}) cannot be interrupted and waits as long as the operating system's
 * resolver is configured to (5 s per try and name server, twice: 10–30 s), so a site whose name
 * servers do not answer held a worker that long, past the fetch's own deadline. The lookup runs on
 * a thread of its own, which the caller stops waiting for at the limit (or when interrupted: a
 * cancelled job); that thread ends when the system gives up. At most {@link #MAX_LOOKUPS} run at
 * once; a lookup beyond them fails at once, like one that timed out.
 */
final class TimedDnsResolver implements DnsResolver, AutoCloseable {

    /** As many as a node's fetches at once ({@code tally.worker.concurrency}'s maximum). */
    static final int MAX_LOOKUPS = HttpPageFetcher.MAX_CONNECTIONS;

    private final DnsResolver system;
    private final Duration timeout;
    private final ThreadPoolExecutor lookups;

    /**
     * The limit for a connect timeout of {@code connectTimeout}: twice it, so that a lookup the
     * system answers from its second name server (after the first's 5 s per try, resolv.conf's
     * default) still finishes with the default 5 s. Zero (no limit) stays zero.
     */
    static Duration limitFor(Duration connectTimeout) {
        return connectTimeout.multipliedBy(2);
    }

    TimedDnsResolver(DnsResolver system, Duration timeout, String threadName) {
        this.system = system;
        this.timeout = timeout;
        AtomicInteger count = new AtomicInteger();
        this.lookups = new ThreadPoolExecutor(0, MAX_LOOKUPS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return await(host, () -> system.resolve(host));
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return await(host, () -> system.resolveCanonicalHostname(host));
    }

    private <T> T await(String host, Callable<T> lookup) throws UnknownHostException {
        Future<T> answer;
        try {
            answer = lookups.submit(lookup);
        } catch (RejectedExecutionException e) {
            throw new SlowLookupException(host, "too many name lookups in flight (" + MAX_LOOKUPS + ")");
        }
        try {
            // Zero is HttpClient's "no limit" for the connect timeout this one follows.
            return timeout.isZero() ? answer.get() : answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new SlowLookupException(host, "no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            // Kept set: the fetch reports an interrupted thread as interrupted, not as its DNS failure.
            Thread.currentThread().interrupt();
            throw new SlowLookupException(host, "interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }

    /** A name lookup that took too long, or found no thread to run on. */
    static final class SlowLookupException extends UnknownHostException {

        private final String why;

        SlowLookupException(String host, String why) {
            super(host + ": " + why);
            this.why = why;
        }

        /** Why the lookup gave no answer, for the job's error message. */
        String why() {
            return why;
        }
    }
}
