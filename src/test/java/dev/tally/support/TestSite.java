package dev.tally.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A real HTTP server on loopback that plays the web sites Tally fetches in tests: ordinary pages,
 * errors, slow answers, redirect loops, gzip bombs, huge bodies and PDFs. One per test JVM.
 */
public final class TestSite {

    private static TestSite instance;

    private final HttpServer server;

    private TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-site");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static synchronized TestSite get() {
        if (instance == null) {
            try {
                instance = new TestSite();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /** The absolute URL of {@code path} on this site. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Serves {@code body} with {@code status} and content type at {@code path}. */
    public TestSite page(String path, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return handle(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            send(exchange, status, bytes);
        });
    }

    public TestSite html(String path, String html) {
        return page(path, 200, "text/html; charset=utf-8", html);
    }

    /** Answers after {@code delayMillis}. */
    public TestSite slowHtml(String path, long delayMillis, String html) {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        return handle(path, exchange -> {
            sleep(delayMillis);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            send(exchange, 200, bytes);
        });
    }

    /**
     * Like {@link #slowHtml}, and tells when the first request for {@code path} reached the site and
     * when the site was done with it, so a test can wait for those moments instead of sleeping.
     */
    public FirstRequest trackedSlowHtml(String path, long delayMillis, String html) {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        var first = new FirstRequest();
        handle(path, exchange -> {
            first.arrivedAt.compareAndSet(0, System.nanoTime());
            first.arrived.countDown();
            try {
                sleep(delayMillis);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                send(exchange, 200, bytes);
            } finally {
                first.ended.countDown();
            }
        });
        return first;
    }

    /** The first request for a tracked page, as the site saw it. */
    public static final class FirstRequest {

        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicLong arrivedAt = new java.util.concurrent.atomic.AtomicLong();

        /** When the request reached the site ({@link System#nanoTime()}); 0 before. */
        public long arrivalNanos() {
            return arrivedAt.get();
        }

        /** Waits until the request has reached the site. */
        public void awaitArrival(Duration timeout) {
            await(arrived, timeout, "the request to arrive");
        }

        /** Waits until the site is done with it: the whole page was written, or the client had hung up. */
        public void awaitEnd(Duration timeout) {
            await(ended, timeout, "the site to finish answering");
        }

        private static void await(CountDownLatch latch, Duration timeout, String what) {
            try {
                if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    public TestSite redirect(String path, int status, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            send(exchange, status, new byte[0]);
        });
    }

    /** A small gzip body that inflates to {@code inflatedBytes} of spaces. */
    public TestSite gzipBomb(String path, long inflatedBytes) {
        byte[] compressed;
        try {
            var out = new ByteArrayOutputStream();
            try (var gzip = new GZIPOutputStream(out)) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                for (long written = 0; written < inflatedBytes; written += chunk.length) {
                    gzip.write(chunk);
                }
            }
            compressed = out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return handle(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            send(exchange, 200, compressed);
        });
    }

    /** A chunked body (no Content-Length) of {@code totalBytes} of words. */
    public TestSite hugeText(String path, long totalBytes) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = "lorem ipsum dolor sit amet ".repeat(2000).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < totalBytes; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up once it had enough: expected
            }
        });
    }

    public TestSite handle(String path, HttpHandler handler) {
        try {
            server.removeContext(path);
        } catch (IllegalArgumentException e) {
            // not registered yet
        }
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                // client went away; nothing to do
            }
        });
        return this;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
