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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests too broken for the API to see them (Tomcat answers them itself, or Spring Security's
 * firewall refuses their path) and query strings that cannot be read are answered as every other error: problem+json with a {@code urn:tally:problem:}
 * type and a 4xx/5xx status that says what was wrong, never an HTML page or a 500. Each request is
 * written by hand on a raw socket, as a broken client would.
 */
@TallyIntegrationTest
class MalformedRequestProblemsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void answersAnInvalidCharacterInThePathWithAProblem() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs/a|b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.assertProblem(400, "malformed-request");
        assertThat(answer.problem().get("detail").asString()).contains("invalid character");
    }

    @Test
    void answersHeadersOverTheLimitWithAProblem() throws IOException {
        String huge = "x".repeat(20 * 1024); // over server.max-http-request-header-size (16 KB)

        RawAnswer answer = send("GET /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + huge + "\r\n\r\n");

        answer.assertProblem(400, "malformed-request");
    }

    @Test
    void answersAnUnsupportedHttpVersionWithAProblem() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs HTTP/2.5\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.assertProblem(505, "http-version-not-supported");
    }

    @Test
    void answersAnUnsupportedTransferCodingWithAProblem() throws IOException {
        RawAnswer answer = send("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n");

        answer.assertProblem(501, "not-implemented");
    }

    @Test
    void answersABadPercentEncodingInTheQueryAsAnInvalidRequest() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs?status=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.assertProblem(400, "invalid-request");
        assertThat(answer.problem().get("detail").asString()).isEqualTo("a query parameter is not validly percent-encoded");
    }

    @Test
    void answersTooManyQueryParametersAsAnInvalidRequest() throws IOException {
        String query = IntStream.range(0, 1_001).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"));

        RawAnswer answer = send("GET /api/v1/jobs?" + query + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.assertProblem(400, "invalid-request");
        assertThat(answer.problem().get("detail").asString()).isEqualTo("the query string has too many parameters");
    }

    @Test
    void answersAPathTheFirewallRefusesWithAProblemWhateverTheAccept() throws IOException {
        for (String path : new String[] {"/api/v1/jobs/%2e%2e/admin", "/api/v1//jobs", "/api/v1/jobs;jsessionid=1"}) {
            RawAnswer answer = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/xml\r\n"
                    + "Connection: close\r\n\r\n");

            answer.assertProblem(400, "malformed-request");
            assertThat(answer.problem().get("instance").asString()).isEqualTo(path);
        }
    }

    @Test
    void answersTheErrorPageAskedForDirectlyAsAnUnknownPath() throws IOException {
        RawAnswer answer = send("GET /error HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.assertProblem(404, "not-found");
    }

    private RawAnswer send(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawAnswer.read(socket.getInputStream());
        }
    }

    /** An HTTP/1.1 answer with a Content-Length or chunked body, as read off the socket. */
    private record RawAnswer(int status, String head, String body) {

        static RawAnswer read(InputStream in) throws IOException {
            String head = readLine(in);
            StringBuilder headers = new StringBuilder(head).append('\n');
            long length = -1;
            boolean chunked = false;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                headers.append(line).append('\n');
                String lower = line.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; size = Integer.parseInt(readLine(in).trim(), 16)) {
                    body.write(in.readNBytes(size));
                    readLine(in);
                }
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            }
            return new RawAnswer(Integer.parseInt(head.split(" ")[1]), headers.toString(), body.toString(StandardCharsets.UTF_8));
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

        JsonNode problem() {
            return JSON.readTree(body);
        }

        void assertProblem(int expectedStatus, String type) {
            assertThat(status).as(head).isEqualTo(expectedStatus);
            assertThat(head.toLowerCase()).contains("content-type: application/problem+json");
            assertThat(problem().get("type").asString()).isEqualTo("urn:tally:problem:" + type);
            assertThat(problem().get("status").asInt()).isEqualTo(expectedStatus);
            assertThat(problem().get("title").asString()).isNotBlank();
        }
    }
}
