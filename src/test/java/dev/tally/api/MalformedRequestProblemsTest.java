package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.RawHttp;
import dev.tally.support.RawHttp.RawAnswer;
import dev.tally.support.TallyIntegrationTest;
import java.io.IOException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Requests too broken for the API to see them (Tomcat answers them itself, or Spring Security's
 * firewall refuses their path) and query strings that cannot be read are answered as every other
 * error: problem+json with a {@code urn:tally:problem:} type and a 4xx/5xx status that says what
 * was wrong, never an HTML page or a 500. Each request is written by hand on a raw socket, as a
 * broken client would.
 */
@TallyIntegrationTest
class MalformedRequestProblemsTest {

    @LocalServerPort
    int port;

    @Test
    void answersAnInvalidCharacterInThePathWithAProblem() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs/a|b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
        assertThat(answer.json().get("detail").asString()).contains("invalid character");
    }

    @Test
    void answersHeadersOverTheLimitWithAProblem() throws IOException {
        String huge = "x".repeat(20 * 1024); // over server.max-http-request-header-size (16 KB)

        RawAnswer answer = send("GET /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + huge + "\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
    }

    @Test
    void answersAnUnsupportedHttpVersionWithAProblem() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs HTTP/2.5\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 505, "http-version-not-supported");
    }

    @Test
    void answersAnUnsupportedTransferCodingWithAProblem() throws IOException {
        RawAnswer answer = send("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 501, "not-implemented");
    }

    @Test
    void answersABadPercentEncodingInTheQueryAsAnInvalidRequest() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs?status=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "invalid-request");
        assertThat(answer.json().get("detail").asString()).isEqualTo("a query parameter is not validly percent-encoded");
    }

    @Test
    void answersTooManyQueryParametersAsAnInvalidRequest() throws IOException {
        String query = IntStream.range(0, 1_001).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"));

        RawAnswer answer = send("GET /api/v1/jobs?" + query + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "invalid-request");
        assertThat(answer.json().get("detail").asString()).isEqualTo("the query string has too many parameters");
    }

    @Test
    void answersAPathTheFirewallRefusesWithAProblemWhateverTheAccept() throws IOException {
        for (String path : new String[] {"/api/v1/jobs/%2e%2e/admin", "/api/v1//jobs", "/api/v1/jobs;jsessionid=1"}) {
            RawAnswer answer = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/xml\r\n"
                    + "Connection: close\r\n\r\n");

            assertProblem(answer, 400, "malformed-request");
            assertThat(answer.json().get("detail").asString()).as(path).startsWith("The request was rejected because");
        }
    }

    @Test
    void answersAMethodOutsideTheStandardOnesWithAProblemSayingSo() throws IOException {
        RawAnswer answer = send("BREW /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
        assertThat(answer.json().get("detail").asString()).contains("BREW");
    }

    @Test
    void answersTraceAsAMethodTheServiceDoesNotTake() throws IOException {
        RawAnswer answer = send("TRACE /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
        assertThat(answer.json().get("detail").asString()).contains("TRACE");
        assertThat(answer.head().toLowerCase()).as("no Allow naming methods the path refuses").doesNotContain("allow:");
    }

    @Test
    void answersAnEncodedSlashInThePathSayingSo() throws IOException {
        RawAnswer answer = send("GET /api/v1/jobs/a%2Fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
        assertThat(answer.json().get("detail").asString()).contains("\"%2F\"");
    }

    @Test
    void answersABrokenChunkedBodyWithAProblem() throws IOException {
        RawAnswer answer = send("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        assertProblem(answer, 400, "malformed-request");
    }

    @Test
    void answersTheErrorPageAskedForDirectlyAsAnUnknownPath() throws IOException {
        RawAnswer answer = send("GET /error HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 404, "not-found");
    }

    private RawAnswer send(String request) throws IOException {
        return RawHttp.send(port, request);
    }

    private static void assertProblem(RawAnswer answer, int status, String type) {
        assertThat(answer.status()).as(answer.head()).isEqualTo(status);
        assertThat(answer.head().toLowerCase()).contains("content-type: application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:tally:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertCarriesSecurityHeaders(answer);
    }

    /** No security filter ran for most of these answers: they carry the API's headers all the same. */
    private static void assertCarriesSecurityHeaders(RawAnswer answer) {
        String head = answer.head().toLowerCase();
        assertThat(head).as(answer.head())
                .contains("x-content-type-options: nosniff")
                .contains("x-frame-options: deny")
                .contains("content-security-policy: default-src 'none'")
                .contains("referrer-policy: no-referrer")
                .contains("cache-control: no-cache, no-store");
    }
}
