package dev.tally.fetch;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link CallbackSender} on Apache HttpClient 5 with the same destination guard as page
 * fetching. Redirects are not followed (a receiver answers, or the delivery fails), and the whole
 * POST is aborted when {@code timeout} passes.
 */
final class HttpCallbackSender implements CallbackSender, AutoCloseable {

    private final UrlPolicy urlPolicy;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tally-callback-deadline");
        t.setDaemon(true);
        return t;
    });

    HttpCallbackSender(FetchProperties properties) {
        AddressPolicy addressPolicy = new AddressPolicy(properties.allowPrivateNetworks());
        this.urlPolicy = new UrlPolicy(addressPolicy);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(addressPolicy, SystemDefaultDnsResolver.INSTANCE))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                                .build())
                        .setMaxConnTotal(50)
                        .setMaxConnPerRoute(5)
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
        try {
            return client.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("callback interrupted");
            }
            throw classify(e, post.isCancelled());
        } finally {
            deadline.cancel(false);
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
            if (t instanceof UnknownHostException) {
                return new FetchException(ErrorCode.DNS, true, null, "the callback host name could not be resolved", e);
            }
            if (t instanceof ConnectException) {
                return new FetchException(ErrorCode.CONNECT, true, null, "the receiver refused the connection", e);
            }
        }
        return new FetchException(ErrorCode.CONNECT, true, null, "the connection to the receiver failed", e);
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
