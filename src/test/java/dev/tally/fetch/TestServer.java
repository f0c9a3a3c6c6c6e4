package dev.tally.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/** A real HTTP server on 127.0.0.1 with the pages the fetcher tests need. */
final class TestServer implements AutoCloseable {

    static final String HTML = "<html><head><title>Caf\u00e9</title></head><body><p>Hello world</p></body></html>";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http");
        t.setDaemon(true);
        return t;
    });
    final List<String> paths = new CopyOnWriteArrayList<>();
    final Map<String, HttpExchangeRecord> lastRequest = new ConcurrentHashMap<>();
    private final byte[] gzipBomb;

    record HttpExchangeRecord(String userAgent, String accept, String acceptEncoding, String cookie) {
    }

    TestServer() throws IOException {
        gzipBomb = gzipOfZeros(50 * 1024 * 1024);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        paths.add(path);
        lastRequest.put(path, new HttpExchangeRecord(
                exchange.getRequestHeaders().getFirst("User-Agent"),
                exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Accept-Encoding"),
                exchange.getRequestHeaders().getFirst("Cookie")));
        try (exchange) {
            if (path.equals("/html")) {
                send(exchange, 200, "text/html; charset=ISO-8859-1", HTML.getBytes(StandardCharsets.ISO_8859_1));
            } else if (path.equals("/text")) {
                send(exchange, 200, "text/plain; charset=\"utf-8\"", "plain words here".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/xhtml")) {
                send(exchange, 200, "application/xhtml+xml", HTML.getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/csv")) {
                send(exchange, 200, "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/pdf")) {
                send(exchange, 200, "application/pdf", "%PDF-1.7".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/no-content-type")) {
                send(exchange, 200, null, "bytes".getBytes(StandardCharsets.US_ASCII));
            } else if (path.startsWith("/status/")) {
                int status = Integer.parseInt(path.substring("/status/".length()));
                send(exchange, status, "text/html", ("<p>status " + status + "</p>").getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/redirect/")) {
                int remaining = Integer.parseInt(path.substring("/redirect/".length()));
                redirect(exchange, 302, remaining <= 1 ? "/html" : "/redirect/" + (remaining - 1));
            } else if (path.startsWith("/redirect-status/")) {
                redirect(exchange, Integer.parseInt(path.substring("/redirect-status/".length())), "../text#fragment");
            } else if (path.equals("/loop")) {
                redirect(exchange, 302, "/loop");
            } else if (path.equals("/redirect-to")) {
                redirect(exchange, 302, java.net.URLDecoder.decode(query, StandardCharsets.UTF_8));
            } else if (path.equals("/redirect-to-utf8")) {
                // The server writes each character as one byte: these are the target's UTF-8 bytes, raw.
                String target = java.net.URLDecoder.decode(query, StandardCharsets.UTF_8);
                redirect(exchange, 302, new String(target.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
            } else if (path.equals("/echo-query")) {
                send(exchange, 200, "text/plain", String.valueOf(query).getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/redirect-without-location")) {
                send(exchange, 302, "text/html", new byte[0]);
            } else if (path.equals("/set-cookie")) {
                exchange.getResponseHeaders().add("Set-Cookie", "session=secret; Path=/");
                redirect(exchange, 302, "/cookie-echo");
            } else if (path.equals("/cookie-echo")) {
                send(exchange, 200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/gzip")) {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                send(exchange, 200, "text/html", gzip(HTML.getBytes(StandardCharsets.UTF_8)));
            } else if (path.equals("/gzip-bomb")) {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                send(exchange, 200, "text/html", gzipBomb);
            } else if (path.equals("/truncated-gzip")) {
                // The whole body arrives (its Content-Length), but the gzip stream in it stops short.
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                byte[] body = gzip(HTML.getBytes(StandardCharsets.UTF_8));
                send(exchange, 200, "text/html", java.util.Arrays.copyOf(body, body.length / 2));
            } else if (path.equals("/brotli")) {
                // Sent although the request offered only gzip and deflate.
                exchange.getResponseHeaders().add("Content-Encoding", "br");
                send(exchange, 200, "text/html", new byte[] {0x1b, 0x2f, 0x00, (byte) 0xf8, 0x25, 0x00, 0x00});
            } else if (path.equals("/corrupt-gzip")) {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                byte[] body = gzip(HTML.getBytes(StandardCharsets.UTF_8));
                for (int i = 10; i < body.length - 8; i++) {
                    body[i] = (byte) 0xff;
                }
                send(exchange, 200, "text/html", body);
            } else if (path.equals("/endless")) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0); // chunked
                byte[] chunk = new byte[8192];
                java.util.Arrays.fill(chunk, (byte) 'a');
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 1_000_000; i++) {
                    out.write(chunk); // ends with an IOException once the client hangs up
                }
            } else if (path.equals("/exactly-max")) {
                send(exchange, 200, "text/plain", new byte[64 * 1024]);
            } else if (path.equals("/large")) {
                send(exchange, 200, "text/plain", largeText());
            } else if (path.equals("/large-gzip")) {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                send(exchange, 200, "text/plain", gzip(largeText()));
            } else if (path.equals("/large-chunked")) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(largeText());
            } else if (path.equals("/one-over-max-chunked")) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(new byte[64 * 1024 + 1]);
            } else if (path.equals("/declared-too-large")) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 100L * 1024 * 1024);
                exchange.getResponseBody().write(new byte[1024]);
                sleep(5_000); // never sends the rest: only the declared length can fail this fast
            } else if (path.equals("/slow-headers")) {
                sleep(5_000);
                send(exchange, 200, "text/plain", "late".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/trickle")) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 100; i++) {
                    out.write('a');
                    out.flush();
                    sleep(200); // always within the read timeout, never within the whole deadline
                }
            } else {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException clientWentAway) {
            // expected for the aborted cases
        }
    }

    /** 48 KiB of words: a large page for tests whose large pages start at 16 KiB. */
    static byte[] largeText() {
        byte[] text = new byte[LARGE_PAGE_BYTES];
        byte[] word = "words ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < text.length; i++) {
            text[i] = word[i % word.length];
        }
        return text;
    }

    static final int LARGE_PAGE_BYTES = 48 * 1024;

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] gzipOfZeros(int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1024 * 1024];
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            for (int written = 0; written < size; written += zeros.length) {
                gzip.write(zeros);
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
