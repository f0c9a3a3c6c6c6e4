package dev.tally.fetch;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link CallbackSender} on Apache HttpClient 5 with the same destination guard as page
 * fetching. Redirects are not followed (a receiver answers, or the delivery fails), and the whole
 * POST is aborted when {@code timeout} passes. The answer is the reply's status: its body is read
 * only when short and prompt (to keep the connection), never waited for past that.
 */
final class HttpCallbackSender implements CallbackSender, AutoCloseable {

    /** The longest reply read to keep the connection; the same bound as the fetcher's unwanted bodies. */
    static final int REPLY_MAX_BYTES = HttpPageFetcher.DISCARD_MAX_BYTES;
    /** How long a reply's body may take after its status. */
    static final Duration REPLY_WAIT = HttpPageFetcher.DISCARD_WAIT;
    /** The most webhook senders a node runs at once: {@code tally.webhooks.concurrency}'s maximum. */
    static final int MAX_SENDERS = 64;

    private final UrlPolicy urlPolicy;
    private final TimedDnsResolver lookups;
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tally-callback-deadline");
        t.setDaemon(true);
        return t;
    });
    /** The posts being sent, for {@link #abortAll()}. */
    private final Set<HttpPost> underWay = ConcurrentHashMap.newKeySet();

    HttpCallbackSender(FetchProperties properties) {
        this(properties, SystemDefaultDnsResolver.INSTANCE);
    }

    /** With {@code systemResolver} for the name lookups the sender bounds in time (tests: name servers that never answer). */
    HttpCallbackSender(FetchProperties properties, DnsResolver systemResolver) {
        // A delivery answered in time takes its deadline out of the queue at once, rather than
        // leaving it there, with its request and body, for the whole timeout.
        deadlines.setRemoveOnCancelPolicy(true);
        AddressPolicy addressPolicy = new AddressPolicy(properties.allowPrivateNetworks());
        this.urlPolicy = new UrlPolicy(addressPolicy);
        this.lookups = new TimedDnsResolver(systemResolver,
                TimedDnsResolver.limitFor(properties.connectTimeout()), "tally-callback-dns");
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(addressPolicy, lookups))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                                .build())
                        // As many as a node's senders (tally.webhooks.concurrency, at most 64), all of
                        // which may go to one receiver: a sender waiting for a connection spent its
                        // delivery's timeout waiting (seen: 3 of 8 at once timed out, with 5 a receiver).
                        .setMaxConnTotal(MAX_SENDERS)
                        .setMaxConnPerRoute(MAX_SENDERS)
                        .build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .setUserAgent(properties.userAgent())
                .build();
    }

    @Override
    public int post(URI url, Map<String, String> headers, byte[] jsonBody, Duration timeout)
            throws FetchException, InterruptedException {
        URI checked;
        try {
            checked = urlPolicy.check(url.toString(), "callbackUrl");
        } catch (InvalidUrlException e) {
            throw new FetchException(ErrorCode.FORBIDDEN_DESTINATION, false, e.getMessage());
        }
        HttpPost post = new HttpPost(checked);
        post.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build());
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(jsonBody, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        boolean fullyRead = false;
        underWay.add(post);
        try {
            response = HttpPageFetcher.open(client, post);
            fullyRead = discardReply(response.getEntity(), post);
            return response.getCode();
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("callback interrupted");
            }
            throw classify(e, post.isCancelled());
        } finally {
            underWay.remove(post);
            deadline.cancel(false);
            if (!fullyRead) {
                // Closing an unread response would drain the rest of the reply; aborting drops the connection.
                post.cancel();
            }
            if (response != null) {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the connection is discarded either way
                }
            }
        }
    }

    /**
     * Reads the receiver's reply so that the connection goes back to the pool, when it is at most
     * {@link #REPLY_MAX_BYTES} and arrives within {@link #REPLY_WAIT}; its status is the answer
     * either way. A longer, slower or endless reply is left to the caller's abort, which drops the
     * connection: a receiver's reply must not hold a sender.
     *
     * @return whether the whole reply was read and the connection released
     */
    private boolean discardReply(HttpEntity entity, HttpPost post) {
        if (entity == null) {
            return true; // no body: HttpClient has released the connection already
        }
        long declared = entity.getContentLength();
        if (declared > REPLY_MAX_BYTES) {
            return false;
        }
        ScheduledFuture<?> wait = declared == 0 ? null
                : deadlines.schedule(post::cancel, REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            // Not closed unless read to its end: closing would drain what is left.
            InputStream in = entity.getContent();
            byte[] buffer = new byte[4096];
            long read = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read += n;
                if (read > REPLY_MAX_BYTES) {
                    return false;
                }
            }
            in.close(); // fully read: releases the connection back to the pool
            return true;
        } catch (IOException e) {
            return false; // cut off by the wait, or a broken connection: the abort drops it
        } finally {
            if (wait != null) {
                wait.cancel(false);
            }
        }
    }

    private static FetchException classify(IOException e, boolean timedOut) {
        if (timedOut || e instanceof SocketTimeoutException) {
            return new FetchException(ErrorCode.TIMEOUT, true, null, "the receiver did not answer in time", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ForbiddenDestinationException) {
                return new FetchException(ErrorCode.FORBIDDEN_DESTINATION, false, null,
                        "the callback host resolves to a forbidden address", e);
            }
            if (t instanceof TimedDnsResolver.SlowLookupException slow) {
                return new FetchException(ErrorCode.DNS, true, null,
                        "the callback host name could not be resolved: " + slow.why(), e);
            }
            if (t instanceof NoSuchHostException) {
                return new FetchException(ErrorCode.DNS, false, null, "the callback host name does not exist", e);
            }
            if (t instanceof UnknownHostException) {
                return new FetchException(ErrorCode.DNS, true, null, "the callback host name could not be resolved", e);
            }
            if (t instanceof ConnectException) {
                return new FetchException(ErrorCode.CONNECT, true, null, "the receiver refused the connection", e);
            }
        }
        return new FetchException(ErrorCode.CONNECT, true, null, "the connection to the receiver failed", e);
    }

    /** Deadlines of deliveries under way (those answered are taken out at once). */
    int pendingDeadlines() {
        return deadlines.getQueue().size();
    }

    /** Posts being sent now. */
    int sendsUnderWay() {
        return underWay.size();
    }

    @Override
    public void abortAll() {
        underWay.forEach(HttpPost::cancel);
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
        lookups.close();
    }
}
