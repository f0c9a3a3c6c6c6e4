package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request cancelled while it waits for one of the pool's connections (a watchdog's deadline, a
 * webhook's timeout) ends as an {@code IOException}, as a cancelled exchange does, so that it is
 * classified as the timeout it is; HttpClient itself throws an unchecked CancellationException
 * there, which the fetcher reported as an INTERNAL failure, never retried.
 */
class CancelledBeforeSentTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    private HttpServer server;
    private CloseableHttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(background);
        server.createContext("/", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        server.start();
        // One connection: a second request waits for the first one's.
        client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(1).setMaxConnPerRoute(1).build())
                .disableAutomaticRetries()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        client.close();
        server.stop(0);
        background.shutdownNow();
        deadlines.shutdownNow();
    }

    @Test
    void endsAsAnInterruptedIoExceptionWhenCancelledWhileWaitingForAConnection() throws Exception {
        Future<Integer> first = background.submit(() -> {
            try (ClassicHttpResponse response = HttpPageFetcher.open(client, new HttpGet(url()))) {
                return response.getCode();
            }
        });
        Thread.sleep(300); // the first request holds the only connection
        HttpGet second = new HttpGet(url());
        deadlines.schedule(second::cancel, 300, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> HttpPageFetcher.open(client, second))
                .isInstanceOf(InterruptedIOException.class)
                .hasCauseInstanceOf(CancellationException.class);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }
}
