package dev.tally.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 whose answers the politeness tests script per path, and which
 * records what a site would notice: hits per path, arrival times and requests in progress.
 * Unscripted paths answer 200 text/plain; /robots.txt answers 404 unless scripted.
 */
final class ScriptedServer implements AutoCloseable {

    /** An answer, given after holding the request for holdMillis (or until the gate opens). */
    record Reply(int status, String contentType, String body, String location, long holdMillis, boolean gated) {

        static Reply text(int status, String body) {
            return new Reply(status, "text/plain", body, null, 0, false);
        }

        static Reply redirect(String location) {
            return new Reply(301, null, "", location, 0, false);
        }

        Reply holding(long millis) {
            return new Reply(status, contentType, body, location, millis, gated);
        }

        Reply untilGateOpens() {
            return new Reply(status, contentType, body, location, holdMillis, true);
        }
    }

    record Arrival(String host, String path, long nanos) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-http");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger maxInProgress = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);

    ScriptedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    ScriptedServer reply(String path, Reply reply) {
        replies.put(path, reply);
        return this;
    }

    ScriptedServer robots(String content) {
        return reply("/robots.txt", Reply.text(200, content));
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String path) {
        return uri("127.0.0.1", path);
    }

    URI uri(String host, String path) {
        return URI.create("http://" + host + ":" + port() + path);
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    int maxInProgress() {
        return maxInProgress.get();
    }

    /** Lets every gated request answer. */
    void openGate() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String host = exchange.getRequestHeaders().getFirst("Host");
        arrivals.add(new Arrival(host == null ? "" : host.replaceFirst(":\\d+$", ""), path, System.nanoTime()));
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
        Reply reply = replies.getOrDefault(path,
                path.equals("/robots.txt") ? Reply.text(404, "no robots here") : Reply.text(200, "some words on " + path));
        try (exchange) {
            try {
                if (reply.gated()) {
                    gate.await(10, TimeUnit.SECONDS);
                }
                if (reply.holdMillis() > 0) {
                    Thread.sleep(reply.holdMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // Before answering: the client can only see the answer (and start its next request) after this.
                inProgress.decrementAndGet();
            }
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            }
            if (reply.location() != null) {
                exchange.getResponseHeaders().add("Location", reply.location());
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } catch (IOException clientWentAway) {
            // expected when a fetch is aborted
        }
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
