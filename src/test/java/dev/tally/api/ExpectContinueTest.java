package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.TallyIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A client that asks before sending its body ({@code Expect: 100-continue}, as curl does for large
 * ones) is invited only when the body will be read: a request refused on its head alone (a body
 * over the limit, and as well no credentials or over the rate limit) gets its final answer instead,
 * and the body is never sent (RFC 9110, 10.1.1).
 */
@TallyIntegrationTest
class ExpectContinueTest {

    @LocalServerPort
    int port;

    @Test
    void refusesABodyOverTheLimitWithoutInvitingIt() throws IOException {
        try (Socket socket = connect()) {
            write(socket, "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 20000000\r\nExpect: 100-continue\r\n\r\n");

            assertThat(statusLine(socket.getInputStream())).isEqualTo("HTTP/1.1 413 ");
        }
    }

    @Test
    void invitesABodyItReadsAndTakesIt() throws IOException {
        String body = "{\"text\": \"asked before sending\"}";
        try (Socket socket = connect()) {
            write(socket, "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertThat(statusLine(in)).isEqualTo("HTTP/1.1 100 ");
            assertThat(statusLine(in)).isEmpty(); // the interim answer's end

            write(socket, body);

            assertThat(statusLine(in)).isEqualTo("HTTP/1.1 202 ");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The next line of the answer, without its CRLF. */
    private static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
