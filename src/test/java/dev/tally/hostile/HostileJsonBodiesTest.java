package dev.tally.hostile;

import static dev.tally.hostile.StillServing.assertProblem;
import static dev.tally.hostile.StillServing.assertStillServing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bodies crafted to break the JSON layer: each is a clean 400 problem, and the service stays up. */
@TallyIntegrationTest
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HostileJsonBodiesTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "{", "}", "{\"url\"", "{\"url\":}", "{\"url\":\"https://example.com/\"", "{\"url\":\"https://example.com/}",
            "{\"url\":\"https://example.com/\"}}", "{\"url\":\"https://example.com/\"} trailing", "{'url':'https://example.com/'}",
            "{url:\"https://example.com/\"}", "{\"url\":\"https://example.com/\",}", "{\"text\":\"x\" /* comment */}",
            "{\"text\":NaN}", "{\"text\":Infinity}", "{\"text\":\"\\x41\"}", "{\"text\":\"\\u12\"}", "{\"text\":[\"a\"]}",
            "{\"text\":{\"a\":1}}", "{\"url\":[\"https://example.com/\"]}", "\"https://example.com/\"", "[{\"text\":\"x\"}]",
            "{\"text\":\"x\"}{\"text\":\"y\"}", "\u0000", "{\"\u0000\":1}"})
    void rejectsMalformedJsonVariants(String body) {
        assertProblem(api.postJson("/api/v1/jobs", body), 400);
        assertStillServing(api);
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutFallingOver() {
        long start = System.nanoTime();
        assertProblem(api.postJson("/api/v1/jobs", "[".repeat(100_000)), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\":" + "[".repeat(100_000)), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"a\":".repeat(100_000)), 400);
        assertProblem(api.postJson("/api/v1/jobs", "[".repeat(100_000) + "]".repeat(100_000)), 400);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertStillServing(api);
    }

    @Test
    void rejectsHugeExponentsWithoutComputingThem() {
        long start = System.nanoTime();
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\": 1e999999}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\": -1e-999999}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"callbackUrl\": 1e999999, \"text\": \"x\"}"), 400);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertStillServing(api);
    }

    @Test
    void rejectsTenThousandDigitNumbers() {
        String digits = "9".repeat(10_000);
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\": " + digits + "}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\": " + digits + "}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\": 0." + digits + "}"), 400);
        assertStillServing(api);
    }

    @Test
    void rejectsNumbersWhereTextIsExpected() {
        // The contract's body is {"text": "..."}: a number is not text, even if Jackson could coerce it.
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\": 12345}"), 400);
        assertStillServing(api);
    }

    @ParameterizedTest
    @ValueSource(strings = {"C3 28", "FF", "ED A0 80", "E2 82", "80"})
    void rejectsInvalidUtf8InTheBody(String hexBytes) {
        assertProblem(postRawText(hexBytes), 400);
        assertStillServing(api);
    }

    @ParameterizedTest
    @ValueSource(strings = {"C0 AF", "F4 90 80 80"})
    void rejectsOverlongUtf8AndCodePointsBeyondUnicode(String hexBytes) {
        assertProblem(postRawText(hexBytes), 400);
        assertStillServing(api);
    }

    /** {"text":"caf<bytes>"} with the given bytes spliced in raw. */
    private Api.Response postRawText(String hexBytes) {
        byte[] prefix = "{\"text\":\"caf".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
        String[] hex = hexBytes.split(" ");
        byte[] body = new byte[prefix.length + hex.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        for (int i = 0; i < hex.length; i++) {
            body[prefix.length + i] = (byte) Integer.parseInt(hex[i], 16);
        }
        System.arraycopy(suffix, 0, body, prefix.length + hex.length, suffix.length);

        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void rejectsARawNulByteInsideAJsonString() {
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\":\"a\u0000b\"}"), 400);
        assertStillServing(api);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/\\u0000", "https://exa\\u0000mple.com/", "\\u0000https://example.com/",
            "https://example.com/%00"})
    void rejectsEscapedNulBytesInUrls(String url) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");
        if (url.contains("%00")) {
            // A percent-escaped NUL is a legal URL; it must at least not break anything.
            assertThat(response.status()).as(response.body()).isIn(202, 400);
        } else {
            assertProblem(response, 400);
        }
        assertStillServing(api);
    }

    @Test
    void acceptsAnEscapedNulByteInTextAndCountsAroundIt() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"before\\u0000after\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String id = response.json().get("id").asString();
        assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(200);
        assertStillServing(api);
    }

    @Test
    void rejectsAUrlWhoseIpv6LiteralOverflowsTheJdkUriParser() {
        // Found by UrlPolicyFuzzTest: java.net.URI throws NumberFormatException, not URISyntaxException,
        // for an over-long embedded IPv4 part, and it used to escape as a 500.
        for (String url : new String[] {"http://[::ffff:1.2.99999999999.1]/", "http://[::1.2.3.99999999999]/"}) {
            Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");
            assertProblem(response, 400);
            assertThat(response.json().get("detail").asString()).contains("url");
            assertProblem(api.postJson("/api/v1/jobs", "{\"text\":\"x\",\"callbackUrl\":\"" + url + "\"}"), 400);
            Api.Response compat = api.postJson("/word-count", "{\"url\":\"" + url + "\"}");
            assertThat(compat.status()).as(compat.body()).isEqualTo(400);
            assertThat(compat.json().get("success").asBoolean()).isFalse();
        }
        assertStillServing(api);
    }
}
