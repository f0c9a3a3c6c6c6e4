package dev.tally.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on 127.0.0.1 that counts the TCP connections it accepts, so that a client
 * which keeps its connections is seen to keep them. An answer's head and body go in one write (as
 * nginx does for a small page) unless a delay is scripted between them (as Python's http.server
 * writes them apart). Unscripted paths answer 404 with a short page.
 */
final class CountingSite implements AutoCloseable {

    /** @param endless whether the body is chunks sent every few milliseconds until the client goes */
    private record Answer(byte[] head, byte[] body, long bodyDelayMillis, boolean endless) {
    }

    private static final Answer NOT_FOUND = new Answer(("HTTP/1.1 404 X\r\nContent-Type: text/html\r\n"
            + "Content-Length: 19\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
            "<p>nothing here</p>".getBytes(StandardCharsets.US_ASCII), 0, false);

    private final ServerSocket server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();

    CountingSite() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "counting-site");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers {@code path} with this status, these extra header lines and body. */
    CountingSite answer(String path, int status, String headers, byte[] body) {
        return answer(path, status, headers, body, 0);
    }

    /** As above, the body written {@code bodyDelayMillis} after the head. */
    CountingSite answer(String path, int status, String headers, byte[] body, long bodyDelayMillis) {
        byte[] head = ("HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        answers.put(path, new Answer(head, body, bodyDelayMillis, false));
        return this;
    }

    /** Answers {@code path} with this status and a chunked body that never ends. */
    CountingSite answerEndlessly(String path, int status, String headers) {
        byte[] head = ("HTTP/1.1 " + status + " X\r\n" + headers + "Transfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        answers.put(path, new Answer(head, "10\r\n{\"more\": \"yes\"}\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, true));
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** TCP connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread connection = new Thread(() -> serve(socket), "counting-site-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * Requests one after another on one connection, until the client closes or resets it; a
     * request's body (declared by Content-Length) is read and ignored.
     */
    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                in.skipNBytes(contentLength(head));
                String path = URI.create(head.split(" ", 3)[1]).getPath();
                Answer answer = answers.getOrDefault(path, NOT_FOUND);
                if (answer.endless()) {
                    out.write(answer.head());
                    while (true) {
                        out.write(answer.body());
                        out.flush();
                        Thread.sleep(5);
                    }
                }
                if (answer.bodyDelayMillis() == 0) {
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    whole.writeBytes(answer.head());
                    whole.writeBytes(answer.body());
                    out.write(whole.toByteArray());
                } else {
                    out.write(answer.head());
                    out.flush();
                    Thread.sleep(answer.bodyDelayMillis());
                    out.write(answer.body());
                }
                out.flush();
            }
        } catch (IOException clientWentAway) {
            // a reset connection ends here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
