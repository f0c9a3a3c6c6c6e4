package dev.tally.fetch;

import dev.tally.job.ErrorCode;
import dev.tally.memory.HeapBudget;
import dev.tally.text.DocumentType;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.IDN;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.StandardCookieSpec;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.utils.URIUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link PageFetcher} on Apache HttpClient 5 (classic, blocking). Redirects are followed here,
 * one hop at a time, so every hop passes the same URL rules and DNS guard as the first. A
 * watchdog thread enforces the whole-fetch deadline and turns an interrupt of the calling thread
 * into an aborted request, because a blocking socket read does not notice interrupts.
 *
 * <p>Politeness: every request, robots.txt included, first takes a slot at its host from a
 * {@link HostThrottle} (at most {@code per-host-concurrency} in flight, starts at least
 * {@code per-host-interval} apart, or the robots.txt {@code Crawl-delay} for Tally if longer, up
 * to {@link #MAX_CRAWL_DELAY}). Waiting for a slot counts against the fetch's deadline: a fetch that
 * cannot start in time fails with TIMEOUT (retryable), and an interrupt ends the wait at once.
 *
 * <p>Memory: a page above 256 KiB is read only with room for it in the {@link HeapBudget},
 * which the returned {@link FetchedPage} holds until it is closed; a fetch that finds none soon is
 * deferred, like one that finds no turn at its host.
 *
 * <p>robots.txt (when {@code respect-robots} is on): before each hop, the rules of its origin
 * ({@code scheme://host:port/robots.txt}, fetched through this same guarded client, following up
 * to five redirects, reading at most {@link #ROBOTS_MAX_BYTES} and giving it at most
 * {@link #ROBOTS_TIMEOUT}) decide per RFC 9309:
 * <ul>
 * <li>2xx: parsed for the product token of the User-Agent; a disallowed URL fails with
 *     ROBOTS_DISALLOWED, not retryable.
 * <li>4xx other than 429, or redirects that lead nowhere usable: no rules, everything allowed.
 * <li>429, 5xx, or no answer (DNS, CONNECT, TIMEOUT): "unreachable", so nothing is fetched for now.
 *     This is reported as the underlying failure, retryable ({@code HTTP_STATUS} with the status,
 *     or {@code DNS}/{@code CONNECT}/{@code TIMEOUT}) and with a message naming robots.txt, not as
 *     ROBOTS_DISALLOWED: the site is down rather than refusing Tally, and the job's retries with
 *     backoff are the right answer. Failures that retrying cannot heal (a forbidden destination, a
 *     failed TLS handshake) keep their non-retryable verdict.
 * </ul>
 */
final class HttpPageFetcher implements PageFetcher, AutoCloseable {

    static final String ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,text/*;q=0.8";

    /** How often the watchdog looks at deadlines and interrupts; bounds how late a cancel lands. */
    private static final long WATCH_PERIOD_MILLIS = 20;

    private static final int BUFFER_SIZE = 8192;

    /** How HttpClient's message starts when it refuses a response's Content-Encoding. */
    private static final String UNSUPPORTED_ENCODING = "Unsupported Content-Encoding:";

    /**
     * The largest unwanted body (a redirect's, an error page's, a refused type's) skipped so that
     * its connection serves the site's next request instead of being reset.
     */
    static final int DISCARD_MAX_BYTES = 16 * 1024;

    /** The longest wait for such a body; the watchdog's period makes it up to 20 ms longer. */
    static final Duration DISCARD_WAIT = Duration.ofMillis(100);

    /** RFC 9309 2.5: crawlers must parse at least the first 500 KiB; the rest is ignored. */
    static final int ROBOTS_MAX_BYTES = 512 * 1024;
    /**
     * Connections in the pool, all sites together: {@code tally.worker.concurrency}'s maximum. A
     * worker thread fetches one page at a time, so no worker waits for a connection that other
     * sites' fetches hold (with 200, a node of 1,024 workers had 824 wait, and fail as TIMEOUT when
     * none came free in time). Connections are made as fetches need them, so the bound costs nothing.
     */
    static final int MAX_CONNECTIONS = 1024;

    /** A robots.txt gets this much of the fetch's time; the page needs the rest. */
    static final Duration ROBOTS_TIMEOUT = Duration.ofSeconds(5);

    /** RFC 9309 2.3.1.2: follow at least five consecutive redirects for robots.txt. */
    private static final int ROBOTS_MAX_REDIRECTS = 5;

    /**
     * The longest Crawl-delay applied. A fetch waits for its turn within its deadline (30s by
     * default), so a longer delay would only turn most fetches of that site into timeouts.
     */
    static final Duration MAX_CRAWL_DELAY = Duration.ofSeconds(30);

    /**
     * The heap a large page takes, in multiples of its size, while its body, its text (two bytes
     * per char in the worst case) and its document tree are all alive: a 10 MB HTML page allocates
     * about 98 MB while counted (MemoryBenchmark), part of which is garbage before the end.
     */
    static final int PAGE_WEIGHT = 8;

    private final FetchProperties properties;
    private final long maxBytes;
    private final UrlPolicy urlPolicy;
    private final TimedDnsResolver lookups;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService watchdogs;
    private final HostThrottle throttle;
    private final long intervalNanos;
    /** Null when robots.txt is not respected. */
    private final RobotsCache robots;
    private final HeapBudget memory;

    HttpPageFetcher(FetchProperties properties) {
        this(properties, new AddressPolicy(properties.allowPrivateNetworks()), SystemDefaultDnsResolver.INSTANCE);
    }

    /** @param systemResolver the resolver behind the guard; tests use it to map names to addresses */
    HttpPageFetcher(FetchProperties properties, AddressPolicy addressPolicy, DnsResolver systemResolver) {
        this(properties, addressPolicy, systemResolver, HeapBudget.ofHeapPercent(properties.largePageHeapPercent(), PAGE_WEIGHT));
    }

    /** @param memory the heap budget for large pages; tests make it small */
    HttpPageFetcher(FetchProperties properties, AddressPolicy addressPolicy, DnsResolver systemResolver,
                    HeapBudget memory) {
        this.properties = properties;
        this.memory = memory;
        this.maxBytes = properties.maxBytes().toBytes();
        this.urlPolicy = new UrlPolicy(addressPolicy);
        this.lookups = new TimedDnsResolver(systemResolver, TimedDnsResolver.limitFor(properties.connectTimeout()), "tally-dns");
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(addressPolicy, lookups))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                                .setSocketTimeout(Timeout.of(properties.readTimeout()))
                                // Pooled connections may have been closed by the server meanwhile.
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .setTimeToLive(TimeValue.ofMinutes(1))
                                .build())
                        .setMaxConnTotal(Math.max(MAX_CONNECTIONS, properties.perHostConcurrency()))
                        // As many pooled connections per site as the throttle lets requests run at
                        // once there; fewer would make the surplus wait for a connection.
                        .setMaxConnPerRoute(Math.max(20, properties.perHostConcurrency()))
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(properties.readTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(properties.timeout()))
                        .setRedirectsEnabled(false)
                        .setCookieSpec(StandardCookieSpec.IGNORE)
                        .build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                // Retries belong to the job (with backoff and an attempt cap), not to one fetch;
                // the default strategy would also sleep on 429/503 Retry-After inside the deadline.
                .disableAutomaticRetries()
                .setUserAgent(properties.userAgent())
                .setDefaultHeaders(List.of(new BasicHeader(HttpHeaders.ACCEPT, ACCEPT)))
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
        this.watchdogs = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tally-fetch-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.intervalNanos = properties.perHostInterval().toNanos();
        this.throttle = new HostThrottle(properties.perHostConcurrency(), Math.max(intervalNanos, MAX_CRAWL_DELAY.toNanos()));
        this.robots = properties.respectRobots() ? new RobotsCache(properties.robotsCacheTtl(), properties.userAgent()) : null;
    }

    /** The per-host limits; tests occupy slots through it. */
    HostThrottle hostThrottle() {
        return throttle;
    }

    @Override
    public FetchedPage fetch(URI url) throws FetchException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("fetch interrupted");
        }
        if (watchdogs.isShutdown()) {
            throw new IllegalStateException("the page fetcher is closed");
        }
        URI current = hop(url, "the url");
        try (Watchdog watchdog = new Watchdog(Thread.currentThread(), properties.timeout())) {
            for (int redirects = 0; ; redirects++) {
                long interval = robots == null ? intervalNanos : Math.max(intervalNanos, checkRobots(current, watchdog));
                Outcome outcome = exchange(current, watchdog, interval);
                if (outcome.page != null) {
                    return outcome.page;
                }
                if (redirects >= properties.maxRedirects()) {
                    throw new FetchException(ErrorCode.TOO_MANY_REDIRECTS, false,
                            "the page redirected more than " + properties.maxRedirects() + " times");
                }
                current = outcome.redirect;
            }
        }
    }

    /** The answer to one request: a page, or where to go next. */
    private record Outcome(FetchedPage page, URI redirect) {
    }

    private Outcome exchange(URI uri, Watchdog watchdog, long interval) throws FetchException, InterruptedException {
        watchdog.checkBeforeHop();
        try (HostThrottle.Permit slot = slot(uri, interval, watchdog)) {
            return exchangeInSlot(uri, watchdog);
        }
    }

    /** Waits for a turn at the URI's host within the fetch's deadline. */
    private HostThrottle.Permit slot(URI uri, long interval, Watchdog watchdog) throws FetchException, InterruptedException {
        long waitLimit = turnWaitLimit(watchdog);
        String host = Origin.of(uri).host();
        HostThrottle.Permit permit = throttle.acquire(host, interval, waitLimit);
        if (permit == null) {
            throw noTurn(waitLimit, watchdog, after -> FetchException.hostBusy(host, after), "waiting for a turn at the site");
        }
        return permit;
    }

    /**
     * Until when a fetch waits for a turn (at a host, or for room for a large page): a little, not
     * the whole deadline, so that a job that cannot get one soon goes back to the queue (without
     * using an attempt) instead of holding a worker while it waits.
     */
    private long turnWaitLimit(Watchdog watchdog) {
        return Math.min(watchdog.deadline, System.nanoTime() + properties.maxHostWait().toNanos());
    }

    /**
     * No turn came by {@code waitLimit}: the job is deferred for 1–2 s (jittered), or, if the wait
     * ran to the fetch's deadline, the fetch has timed out.
     */
    private static FetchException noTurn(long waitLimit, Watchdog watchdog,
                                         java.util.function.Function<java.time.Duration, FetchException> deferral,
                                         String waitingFor) {
        if (waitLimit < watchdog.deadline) {
            return deferral.apply(FetchException.shortDeferral());
        }
        return new FetchException(ErrorCode.TIMEOUT, true,
                "the page did not load within " + seconds(watchdog) + " (" + waitingFor + ")");
    }

    private Outcome exchangeInSlot(URI uri, Watchdog watchdog) throws FetchException, InterruptedException {
        HttpGet request = new HttpGet(uri);
        watchdog.watch(request);
        boolean fullyRead = false;
        ClassicHttpResponse response = null;
        try {
            response = open(client, request);
            int status = response.getCode();
            Header location = response.getFirstHeader(HttpHeaders.LOCATION);
            if (isRedirect(status) && location != null) {
                URI next = redirectTarget(uri, location.getValue(), status);
                fullyRead = discardSmallBody(response.getEntity(), request);
                return new Outcome(null, next);
            }
            if (status < 200 || status > 299) {
                boolean retryable = status == 408 || status == 429 || status >= 500;
                fullyRead = discardSmallBody(response.getEntity(), request);
                throw new FetchException(ErrorCode.HTTP_STATUS, retryable, status, "the page answered " + status, null);
            }
            Header contentType = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
            String contentTypeValue = contentType == null ? null : contentType.getValue();
            Optional<DocumentType> type = ContentTypes.documentType(contentTypeValue);
            if (type.isEmpty()) {
                fullyRead = discardSmallBody(response.getEntity(), request);
                throw new FetchException(ErrorCode.UNSUPPORTED_CONTENT_TYPE, false, unsupported(contentTypeValue));
            }
            Body body = readBody(response.getEntity(), watchdog);
            fullyRead = true;
            return new Outcome(new FetchedPage(uri, type.get(), ContentTypes.charset(contentTypeValue), body.bytes(),
                    body::release), null);
        } catch (IOException e) {
            throw failure(e, watchdog);
        } catch (RuntimeException e) {
            // The cause is kept for the logs; the message is what a client may see, so it is generic.
            throw new FetchException(ErrorCode.INTERNAL, false, null, "the page could not be fetched", e);
        } finally {
            if (!fullyRead) {
                // Closing an unread response would drain the rest of the body (maybe endless or a
                // compression bomb) to reuse the connection; aborting drops the connection instead.
                request.cancel();
            }
            if (response != null) {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the connection is discarded either way
                }
            }
            watchdog.watch(null);
        }
    }

    /**
     * Reads an unwanted body that the server declared small, so that the connection goes back to
     * the pool (a redirect's next hop and the site's next page reuse it) instead of being reset.
     * Waits for it at most {@link #DISCARD_WAIT} (many servers write a head and its body apart); a
     * body undeclared, compressed, larger than {@link #DISCARD_MAX_BYTES} or later than that is
     * left to the caller's abort, which drops the connection (draining could take as long as
     * the server likes).
     *
     * @return whether the whole body was read and the connection released
     */
    private boolean discardSmallBody(HttpEntity entity, HttpGet request) {
        if (entity == null) {
            return true; // nothing to read: HttpClient has released the connection already
        }
        long left = entity.getContentLength();
        if (left < 0 || left > DISCARD_MAX_BYTES) {
            return false;
        }
        if (left == 0) { // most redirects: nothing to wait for
            try {
                entity.getContent().close(); // releases the connection back to the pool
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        try (Watchdog brief = new Watchdog(Thread.currentThread(), DISCARD_WAIT)) {
            brief.watch(request);
            InputStream in = entity.getContent();
            byte[] buffer = new byte[(int) Math.min(left, BUFFER_SIZE)];
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(left, buffer.length));
                if (n < 0) {
                    return false;
                }
                left -= n;
            }
            in.close(); // fully read: releases the connection back to the pool
            return true;
        } catch (IOException e) {
            return false; // cut off by the wait's end, or a broken connection: the abort drops it
        }
    }

    /** A body read, with the room it holds in the heap budget for large pages (null if small). */
    private record Body(byte[] bytes, HeapBudget.Reservation reservation) {

        void release() {
            if (reservation != null) {
                reservation.release();
            }
        }
    }

    /**
     * Reads at most maxBytes + 1 decompressed bytes, so a bomb is never inflated beyond that. A
     * large body is read only with room for it in the heap budget ({@link HeapBudget}); the
     * room is given back here if reading fails, else by the page's {@link FetchedPage#close()}.
     */
    private Body readBody(HttpEntity entity, Watchdog watchdog) throws IOException, FetchException, InterruptedException {
        if (entity == null) {
            return new Body(new byte[0], null);
        }
        long declared = entity.getContentLength();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        HeapBudget.Reservation reservation = memory.isLarge(declared) ? reserve(declared, watchdog) : null;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared >= 0 ? declared : BUFFER_SIZE, maxBytes));
            byte[] buffer = new byte[BUFFER_SIZE];
            InputStream in = entity.getContent();
            long total = 0;
            while (true) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes + 1 - total));
                } catch (ZipException e) {
                    throw new FetchException(ErrorCode.INVALID_CONTENT, false, null, "the page's compressed body is corrupt", e);
                } catch (EOFException e) {
                    if (!fromDecompression(e)) {
                        throw e;
                    }
                    // The compressed stream stops short. Retryable: a body without framing (no length,
                    // not chunked) whose connection was cut ends the same way as one sent cut short.
                    throw new FetchException(ErrorCode.INVALID_CONTENT, true, null, "the page's compressed body stops short", e);
                }
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw tooLarge();
                }
                if (reservation == null && memory.isLarge(total)) {
                    // No declared length (or a wrong one): room for the largest body allowed.
                    reservation = reserve(maxBytes, watchdog);
                }
                out.write(buffer, 0, n);
            }
            in.close(); // fully read: releases the connection back to the pool
            // An aborted connection without Content-Length or chunking looks like a normal end.
            watchdog.throwIfTripped();
            if (reservation != null) {
                reservation.shrinkTo(total);
            }
            return new Body(out.toByteArray(), reservation);
        } catch (Throwable e) {
            if (reservation != null) {
                reservation.release();
            }
            throw e;
        }
    }

    /**
     * Waits a little for room in the heap budget for a large page, like a turn at a busy host:
     * a job that gets none soon goes back to the queue without using an attempt.
     */
    private HeapBudget.Reservation reserve(long pageBytes, Watchdog watchdog) throws FetchException, InterruptedException {
        long waitLimit = turnWaitLimit(watchdog);
        HeapBudget.Reservation reservation = memory.reserve(pageBytes, waitLimit);
        if (reservation == null) {
            throw noTurn(waitLimit, watchdog, FetchException::memoryBusy, "waiting for room for large pages");
        }
        return reservation;
    }

    private FetchException tooLarge() {
        return new FetchException(ErrorCode.TOO_LARGE, false, "the page is larger than " + maxBytes + " bytes");
    }

    /**
     * Applies the robots.txt of the URI's origin, loading it if it is not cached.
     *
     * @return Tally's Crawl-delay at that origin in nanoseconds, capped at MAX_CRAWL_DELAY, or 0
     */
    private long checkRobots(URI uri, Watchdog watchdog) throws FetchException, InterruptedException {
        Origin origin = Origin.of(uri);
        RobotsCache.Entry entry = robots.get(origin.key(), watchdog.deadline, () -> loadRobots(origin, watchdog));
        if (entry == null) {
            throw new FetchException(ErrorCode.TIMEOUT, true,
                    "the page did not load within " + seconds(watchdog) + " (waiting for the site's robots.txt)");
        }
        FetchException unreachable = entry.failure();
        if (unreachable != null) {
            // A fresh exception per fetch: the cached one may be reported by many jobs at once.
            throw new FetchException(unreachable.code(), unreachable.retryable(), unreachable.httpStatus(),
                    unreachable.getMessage(), unreachable);
        }
        if (!entry.allows(uri.toString())) {
            throw new FetchException(ErrorCode.ROBOTS_DISALLOWED, false,
                    "robots.txt of " + origin.display() + " disallows " + pathForMessage(uri));
        }
        return Math.min(entry.crawlDelayNanos(), MAX_CRAWL_DELAY.toNanos());
    }

    /** The path without the query (which may carry tokens), shortened for a message. */
    private static String pathForMessage(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }

    /**
     * Asks the site for the origin's robots.txt, following redirects (each hop under the URL rules,
     * the DNS guard and the host's throttle). Returns a verdict to cache; throws only what says
     * nothing about the site (this fetch's deadline or interrupt), so that is not cached.
     */
    private RobotsCache.Entry loadRobots(Origin origin, Watchdog watchdog) throws FetchException, InterruptedException {
        URI current = origin.robotsUri();
        for (int redirects = 0; ; redirects++) {
            watchdog.checkBeforeHop();
            RobotsAnswer answer;
            try (HostThrottle.Permit slot = slot(current, intervalNanos, watchdog)) {
                answer = requestRobots(current, origin, redirects > 0, watchdog);
            }
            if (answer.entry != null) {
                return answer.entry;
            }
            if (redirects >= ROBOTS_MAX_REDIRECTS) {
                return RobotsCache.allowAll(); // RFC 9309 2.3.1.2: may be taken as unavailable
            }
            try {
                current = redirectTarget(current, answer.location, answer.status);
            } catch (FetchException e) {
                return RobotsCache.allowAll(); // a robots.txt we may not or cannot read is unavailable
            }
        }
    }

    /** A verdict, or where robots.txt moved to. */
    private record RobotsAnswer(RobotsCache.Entry entry, String location, int status) {

        static RobotsAnswer of(RobotsCache.Entry entry) {
            return new RobotsAnswer(entry, null, 0);
        }
    }

    private RobotsAnswer requestRobots(URI uri, Origin origin, boolean redirected, Watchdog fetchWatchdog)
            throws FetchException, InterruptedException {
        boolean fetchDeadlineFirst = fetchWatchdog.deadline - (System.nanoTime() + ROBOTS_TIMEOUT.toNanos()) <= 0;
        try (Watchdog watchdog = fetchDeadlineFirst
                ? new Watchdog(Thread.currentThread(), fetchWatchdog.deadline, fetchWatchdog.timeout())
                : new Watchdog(Thread.currentThread(), ROBOTS_TIMEOUT)) {
            HttpGet request = new HttpGet(uri);
            request.setHeader(HttpHeaders.ACCEPT, "text/plain,*/*;q=0.5");
            watchdog.watch(request);
            boolean fullyRead = false;
            ClassicHttpResponse response = null;
            try {
                response = open(client, request);
                int status = response.getCode();
                if (isRedirect(status)) {
                    Header location = response.getFirstHeader(HttpHeaders.LOCATION);
                    fullyRead = discardSmallBody(response.getEntity(), request);
                    return location == null ? RobotsAnswer.of(RobotsCache.allowAll()) : new RobotsAnswer(null, location.getValue(), status);
                }
                if (status >= 200 && status <= 299) {
                    Header contentType = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
                    Prefix body = readPrefix(response.getEntity(), ROBOTS_MAX_BYTES);
                    if (watchdog.reason != null) {
                        throw new IOException("robots.txt request aborted"); // classified below
                    }
                    fullyRead = body.complete;
                    return RobotsAnswer.of(robots.parse(uri.toString(), body.bytes, contentType == null ? null : contentType.getValue()));
                }
                fullyRead = discardSmallBody(response.getEntity(), request);
                if (status >= 400 && status <= 499 && status != 429) {
                    return RobotsAnswer.of(RobotsCache.allowAll());
                }
                // 429 is "slow down", not "no robots.txt" (as the big search engines read it too).
                return RobotsAnswer.of(RobotsCache.unreachable(new FetchException(ErrorCode.HTTP_STATUS, true, status,
                        "robots.txt of " + origin.display() + " answered " + status, null)));
            } catch (IOException e) {
                FetchException failure = failure(e, watchdog);
                if (watchdog.reason == Reason.DEADLINE && fetchDeadlineFirst) {
                    // The fetch ran out of time, which says nothing about the site.
                    throw new FetchException(ErrorCode.TIMEOUT, true, null, "the page did not load within " + seconds(fetchWatchdog), e);
                }
                if (redirected && failure.code() == ErrorCode.FORBIDDEN_DESTINATION) {
                    return RobotsAnswer.of(RobotsCache.allowAll()); // as for a forbidden redirect target
                }
                String message = watchdog.reason == Reason.DEADLINE
                        ? "robots.txt of " + origin.display() + " did not load within " + seconds(watchdog)
                        : "robots.txt of " + origin.display() + " could not be fetched: " + failure.getMessage();
                return RobotsAnswer.of(RobotsCache.unreachable(
                        new FetchException(failure.code(), failure.retryable(), null, message, e)));
            } catch (RuntimeException e) {
                throw new FetchException(ErrorCode.INTERNAL, false, null, "the site's robots.txt could not be read", e);
            } finally {
                if (!fullyRead) {
                    request.cancel(); // see exchangeInSlot: never drain an unread or cut-off body
                }
                if (response != null) {
                    try {
                        response.close();
                    } catch (IOException ignored) {
                        // the connection is discarded either way
                    }
                }
                watchdog.watch(null);
            }
        }
    }

    private record Prefix(byte[] bytes, boolean complete) {
    }

    /** Reads at most limit bytes; robots.txt beyond that is ignored rather than refused. */
    private static Prefix readPrefix(HttpEntity entity, int limit) throws IOException {
        if (entity == null) {
            return new Prefix(new byte[0], true);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(BUFFER_SIZE);
        byte[] buffer = new byte[BUFFER_SIZE];
        InputStream in = entity.getContent();
        while (out.size() < limit) {
            int n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()));
            if (n < 0) {
                in.close(); // fully read: releases the connection back to the pool
                return new Prefix(out.toByteArray(), true);
            }
            out.write(buffer, 0, n);
        }
        return new Prefix(out.toByteArray(), false);
    }

    /**
     * The unit robots.txt applies to ({@code scheme://host:port}, RFC 9309 2.3) and the host that
     * per-host politeness counts by (all ports of a host are one server to be polite to).
     */
    private record Origin(String scheme, String rawAuthority, String host, int port) {

        /** @param uri already accepted by the URL rules: http(s), an authority, no user info */
        static Origin of(URI uri) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            // From the raw authority: java.net.URI gives no host for names with '_' or non-ASCII.
            String authority = uri.getRawAuthority();
            int portStart = authority.startsWith("[") ? authority.indexOf(']') + 1 : authority.indexOf(':');
            String host = portStart < 0 || portStart >= authority.length() ? authority : authority.substring(0, portStart);
            String portText = host.length() < authority.length() && authority.charAt(host.length()) == ':'
                    ? authority.substring(host.length() + 1) : "";
            int port = portText.isEmpty() ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(portText);
            String name = host.toLowerCase(Locale.ROOT);
            if (!name.startsWith("[")) {
                try {
                    name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    // keep the lower-cased form; the DNS guard will refuse it anyway
                }
            }
            return new Origin(scheme, authority, name, port);
        }

        String key() {
            return scheme + "://" + host + ":" + port;
        }

        URI robotsUri() {
            return URI.create(scheme + "://" + rawAuthority + "/robots.txt");
        }

        /** host, or host:port when the port is not the scheme's default. */
        String display() {
            boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
            return defaultPort ? host : host + ":" + port;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private URI redirectTarget(URI base, String location, int status) throws FetchException {
        URI target;
        try {
            target = URIUtils.resolve(base, RedirectLocation.parse(location));
            String text = target.toString();
            int hash = text.indexOf('#');
            if (hash >= 0) {
                target = new URI(text.substring(0, hash)); // never sent; must not make one page look like two
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(ErrorCode.HTTP_STATUS, false, status,
                    "the page answered " + status + " with an invalid redirect location", null);
        }
        return hop(target, "the page redirected to a location that");
    }

    /** Applies the submit-time URL rules to a hop; the DNS guard then checks what it resolves to. */
    private URI hop(URI uri, String subject) throws FetchException {
        Optional<UrlPolicy.Problem> problem = urlPolicy.problem(uri);
        if (problem.isEmpty()) {
            return uri;
        }
        String reason = switch (problem.get()) {
            case NOT_HTTP -> "is not an absolute http or https URL";
            case USER_INFO -> "contains user info";
            case TOO_LONG -> "is longer than " + UrlPolicy.MAX_LENGTH + " characters";
            case FORBIDDEN_ADDRESS -> "points to a forbidden address";
        };
        throw new FetchException(ErrorCode.FORBIDDEN_DESTINATION, false, subject + " " + reason);
    }

    private static String unsupported(String contentType) {
        String mime = ContentTypes.mediaType(contentType);
        if (mime == null) {
            return "the page has no valid content type";
        }
        return "the page's content type " + (mime.length() > 100 ? mime.substring(0, 100) : mime) + " is not supported";
    }

    /** Classifies an I/O failure; throws InterruptedException itself when that is the real cause. */
    /**
     * Sends {@code request}. One cancelled (by a watchdog, or a deadline) while it waits for a pooled
     * connection, or between leasing one and connecting, ends in an unchecked exception from
     * HttpClient ({@code CancellationException}, {@code IllegalStateException}) instead of the
     * {@code IOException} of any other cancelled exchange: rethrown as one, so that it is classified
     * by why it was cancelled ({@code TIMEOUT}, an interrupt), not as an {@code INTERNAL} failure
     * that is never retried (seen: 97 of 300 fetches at once over 3 hosts with a 2 s timeout).
     */
    static ClassicHttpResponse open(CloseableHttpClient client, HttpUriRequestBase request) throws IOException {
        try {
            return client.executeOpen(null, request, HttpClientContext.create());
        } catch (IllegalStateException e) { // CancellationException is one
            if (!request.isCancelled()) {
                throw e;
            }
            InterruptedIOException cancelled = new InterruptedIOException("the request was cancelled before it was sent");
            cancelled.initCause(e);
            throw cancelled;
        }
    }

    private static FetchException failure(IOException e, Watchdog watchdog) throws InterruptedException {
        if (watchdog.reason == Reason.INTERRUPTED || Thread.currentThread().isInterrupted()) {
            Thread.interrupted();
            InterruptedException interrupted = new InterruptedException("fetch interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
        if (watchdog.reason == Reason.DEADLINE) {
            return new FetchException(ErrorCode.TIMEOUT, true, null, "the page did not load within " + seconds(watchdog), e);
        }
        ForbiddenDestinationException forbidden = find(e, ForbiddenDestinationException.class);
        if (forbidden != null) {
            return new FetchException(ErrorCode.FORBIDDEN_DESTINATION, false, null, "the host resolves to a forbidden address", e);
        }
        TimedDnsResolver.SlowLookupException slow = find(e, TimedDnsResolver.SlowLookupException.class);
        if (slow != null) {
            return new FetchException(ErrorCode.DNS, true, null, "the host name could not be resolved: " + slow.why(), e);
        }
        if (find(e, NoSuchHostException.class) != null) {
            return new FetchException(ErrorCode.DNS, false, null, "the host name does not exist", e);
        }
        if (find(e, UnknownHostException.class) != null) {
            // No answer, or the resolver's own failure: maybe temporary, so tried again.
            return new FetchException(ErrorCode.DNS, true, null, "the host name could not be resolved", e);
        }
        if (find(e, ConnectTimeoutException.class) != null) {
            return new FetchException(ErrorCode.CONNECT, true, null, "connecting to the site timed out", e);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return new FetchException(ErrorCode.TIMEOUT, true, null, "the site stopped answering", e);
        }
        if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null) {
            return new FetchException(ErrorCode.CONNECT, true, null, "the site refused the connection", e);
        }
        if (find(e, SSLException.class) != null) {
            if (find(e, EOFException.class) != null || find(e, SocketException.class) != null) {
                // The connection was cut during the handshake ("Remote host terminated the
                // handshake"): a reset or a server restarting, as likely to pass as a refused connection.
                return new FetchException(ErrorCode.CONNECT, true, null, "the connection to the site was cut during the TLS handshake", e);
            }
            // Certificate and handshake failures do not heal by retrying within minutes.
            return new FetchException(ErrorCode.CONNECT, false, null, "the TLS handshake with the site failed", e);
        }
        String encoding = unreadEncoding(e);
        if (encoding != null) {
            return new FetchException(ErrorCode.INVALID_CONTENT, false, null, "the page is compressed as " + encoding
                    + ", which Tally does not read (it asks for gzip or deflate)", e);
        }
        if (find(e, ClientProtocolException.class) != null || find(e, ProtocolException.class) != null
                || find(e, MessageConstraintException.class) != null) {
            // MessageConstraintException: a header line, a header count or a chunk's line over
            // HttpClient's limits; the site answers the same way again.
            return new FetchException(ErrorCode.CONNECT, false, null, "the site sent an invalid HTTP response", e);
        }
        return new FetchException(ErrorCode.CONNECT, true, null, "the connection to the site failed", e);
    }

    /**
     * The Content-Encoding HttpClient refused to decode (brotli, zstd: sent although the request
     * offered only gzip and deflate), or null. HttpClient says so only in its exception's message.
     */
    private static String unreadEncoding(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException && t.getMessage() != null && t.getMessage().startsWith(UNSUPPORTED_ENCODING)) {
                String name = t.getMessage().substring(UNSUPPORTED_ENCODING.length()).trim();
                return name.length() > 40 ? name.substring(0, 40) + "…" : name;
            }
        }
        return null;
    }

    private static String seconds(Watchdog watchdog) {
        Duration timeout = watchdog.timeout();
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    }

    /** Whether java.util.zip's streams threw it: gzip or deflate data that ends before its end. */
    private static boolean fromDecompression(EOFException e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("java.util.zip.");
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        watchdogs.shutdownNow();
        client.close();
        lookups.close();
    }

    private enum Reason { DEADLINE, INTERRUPTED }

    /** Aborts the current request when the deadline passes or the calling thread is interrupted. */
    private final class Watchdog implements AutoCloseable {

        private final Thread caller;
        private final long deadline;
        private final Duration timeout;
        private final ScheduledFuture<?> task;
        private volatile HttpGet current;
        private volatile Reason reason;

        /** Watches a fetch that may take {@code timeout} from now. */
        Watchdog(Thread caller, Duration timeout) {
            this(caller, System.nanoTime() + timeout.toNanos(), timeout);
        }

        /** @param timeout what messages name as the time allowed (the deadline's distance at its start) */
        Watchdog(Thread caller, long deadline, Duration timeout) {
            this.timeout = timeout;
            this.caller = caller;
            this.deadline = deadline;
            this.task = watchdogs.scheduleWithFixedDelay(this::check, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        Duration timeout() {
            return timeout;
        }

        /** Set before reading reason, mirroring check(), so a cancel is never missed. */
        void watch(HttpGet request) {
            current = request;
            if (request != null && reason != null) {
                request.cancel();
            }
        }

        void checkBeforeHop() throws FetchException, InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException("fetch interrupted");
            }
            if (reason == Reason.DEADLINE || System.nanoTime() - deadline >= 0) {
                throw new FetchException(ErrorCode.TIMEOUT, true, "the page did not load within " + seconds(this));
            }
        }

        void throwIfTripped() throws FetchException, InterruptedException {
            if (reason == Reason.INTERRUPTED) {
                Thread.interrupted();
                throw new InterruptedException("fetch interrupted");
            }
            if (reason == Reason.DEADLINE) {
                throw new FetchException(ErrorCode.TIMEOUT, true, "the page did not load within " + seconds(this));
            }
        }

        private void check() {
            if (reason == null) {
                if (caller.isInterrupted()) {
                    reason = Reason.INTERRUPTED;
                } else if (System.nanoTime() - deadline >= 0) {
                    reason = Reason.DEADLINE;
                }
            }
            HttpGet request = current;
            if (reason != null && request != null) {
                request.cancel();
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
