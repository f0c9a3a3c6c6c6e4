package dev.tally.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HTTP/1.1 request written by hand on a raw loopback socket, as a broken or hostile client
 * would write it (bytes an HTTP library refuses to send: a malformed percent-encoding, a bad
 * character, an unknown version), and its answer as read off the socket.
 */
public final class RawHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RawHttp() {
    }

    /** Sends {@code request} (ISO-8859-1, head and body as given) and reads one answer. */
    public static RawAnswer send(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawAnswer.read(socket.getInputStream());
        }
    }

    /** An answer with a Content-Length or chunked body; {@code head} is its status line and headers. */
    public record RawAnswer(int status, String head, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        static RawAnswer read(InputStream in) throws IOException {
            String statusLine = readLine(in);
            StringBuilder head = new StringBuilder(statusLine).append('\n');
            long length = -1;
            boolean chunked = false;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                head.append(line).append('\n');
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                    body.write(in.readNBytes(size));
                    readLine(in);
                }
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            }
            return new RawAnswer(Integer.parseInt(statusLine.split(" ")[1]), head.toString(),
                    body.toString(StandardCharsets.UTF_8));
        }

        private static int chunkSize(InputStream in) throws IOException {
            return Integer.parseInt(readLine(in).trim(), 16);
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
