package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Every client error is an RFC 9457 problem+json with the right status, framework ones included. */
@TallyIntegrationTest
class ProblemResponsesTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void rejectsMalformedJson() {
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\": "), 400);
    }

    @Test
    void rejectsUnknownFieldsSoTyposDoNotPassSilently() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"https://example.com/\",\"calback\":\"x\"}");

        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString())
                .isEqualTo("unknown field \"calback\"; the fields are callbackUrl, text, url");
    }

    /** Jackson's own message named Java types ({@code java.lang.String}, the request's class) and its settings. */
    @Test
    void namesAFieldOfTheWrongTypeInTheApisTerms() {
        Api.Response number = api.postJson("/api/v1/jobs", "{\"url\":5}");
        Api.Response object = api.postJson("/api/v1/jobs", "{\"text\":{\"words\":\"a b\"}}");
        Api.Response array = api.postJson("/api/v1/jobs", "[\"https://example.com/\"]");

        assertProblem(number, 400);
        assertThat(number.json().get("detail").asString()).isEqualTo("url must be a string");
        assertThat(object.json().get("detail").asString()).isEqualTo("text must be a string");
        assertThat(array.json().get("detail").asString()).isEqualTo("the body must be a JSON object");
    }

    @Test
    void saysWhenTheBodyGoesOnAfterItsObject() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"https://example.com/\"} 5");

        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString()).startsWith("the body has more after its JSON object at line 1");
    }

    @Test
    void saysWhereTheBodyStopsBeingJson() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"url\": \"https://example.com/\",\n \"text\" }");

        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString()).startsWith("the body is not valid JSON at line 2, column ")
                .doesNotContain("Source");
    }

    @Test
    void rejectsAFieldNamedTwiceRatherThanTakingOneOfItsValues() {
        Api.Response twoUrls = api.postJson("/api/v1/jobs",
                "{\"url\":\"https://example.com/a\",\"url\":\"https://example.com/b\"}");
        Api.Response twoTexts = api.postJson("/api/v1/jobs", "{\"text\":\"first\",\"text\":\"second\"}",
                "Idempotency-Key", "duplicate-" + System.nanoTime());

        assertProblem(twoUrls, 400);
        assertThat(twoUrls.json().get("detail").asString()).isEqualTo("the field \"url\" is given twice");
        assertProblem(twoTexts, 400);
        assertThat(twoTexts.json().get("detail").asString()).isEqualTo("the field \"text\" is given twice");
    }

    @Test
    void rejectsBothOrNeitherSource() {
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\":\"https://example.com/\",\"text\":\"hi\"}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "[]"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "null"), 400);
    }

    @Test
    void rejectsUrlsThatAreNotAbsoluteHttp() {
        for (String url : new String[] {"ftp://example.com/", "example.com", "/relative", "javascript:alert(1)", "file:///etc/passwd"}) {
            Api.Response response = api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");
            assertProblem(response, 400);
            assertThat(response.json().get("detail").asString()).as(url).contains("url");
        }
    }

    @Test
    void rejectsUrlWithCredentials() {
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\":\"https://user:pass@example.com/\"}"), 400);
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\":\"https://user@example.com/\"}"), 400);
    }

    @Test
    void rejectsUrlLongerThan2048Characters() {
        String url = "https://example.com/" + "a".repeat(2030);
        assertProblem(api.postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}"), 400);
    }

    @Test
    void rejectsInvalidCallbackUrl() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"hi\",\"callbackUrl\":\"gopher://x/\"}");
        assertProblem(response, 400);
        assertThat(response.json().get("detail").asString()).contains("callbackUrl");
    }

    @Test
    void rejectsOtherContentTypesWith415() {
        Api.Response response = api.post("/api/v1/jobs", "text/plain", "{\"url\":\"https://example.com/\"}");
        assertProblem(response, 415);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:unsupported-media-type");
    }

    @Test
    void acceptsJsonWithCharsetParameter() {
        assertThat(api.post("/api/v1/jobs", "application/json; charset=utf-8", "{\"text\":\"charset ok\"}").status())
                .isEqualTo(202);
    }

    @Test
    void rejectsBodiesOverTheLimitWith413() {
        String text = "word ".repeat(300_000);
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertProblem(response, 413);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:too-large");
    }

    @Test
    void rejectsChunkedBodiesOverTheLimitWith413() {
        String text = "word ".repeat(300_000);
        byte[] body = ("{\"text\":\"" + text + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // An InputStream publisher has no known length, so the body goes out chunked.
        Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
        assertProblem(response, 413);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:too-large");
    }

    @Test
    void rejectsBodiesThatAreNotUtf8WithTheMalformedBodyType() {
        byte[] latin1 = "{\"text\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertProblem(response, 400);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:malformed-body");
    }

    @Test
    void namesTheParameterOutOfItsRange() {
        Api.Response response = api.get("/api/v1/jobs?limit=100000");
        assertProblem(response, 400);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:invalid-request");
        assertThat(response.json().get("detail").asString()).isEqualTo("limit must be less than or equal to 200");
    }

    @Test
    void namesTheParameterThatIsNotANumber() {
        Api.Response response = api.get("/api/v1/jobs?limit=ten");
        assertProblem(response, 400);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:invalid-request");
        assertThat(response.json().get("detail").asString()).isEqualTo("limit must be a whole number");
    }

    @Test
    void unknownPathsAre404Problems() {
        Api.Response response = api.get("/api/v1/nothing-here");
        assertProblem(response, 404);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:not-found");
    }

    @Test
    void wrongMethodsAre405Problems() {
        Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
        assertProblem(response, 405);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:tally:problem:method-not-allowed");
    }

    /** Allow lists what the path takes, as OPTIONS says: HEAD with GET, and OPTIONS itself. */
    @Test
    void aWrongMethodsAllowNamesEveryMethodThePathTakes() {
        Api.Response refused = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs")).DELETE());
        Api.Response options = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(refused.status()).isEqualTo(405);
        assertThat(methods(refused.header("Allow"))).containsExactlyInAnyOrder("GET", "HEAD", "POST", "OPTIONS")
                .isEqualTo(methods(options.header("Allow")));
    }

    private static java.util.Set<String> methods(String allow) {
        return java.util.Arrays.stream(allow.split(",")).map(String::trim).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void emptyTextIsRejected() {
        assertProblem(api.postJson("/api/v1/jobs", "{\"text\":\"\"}"), 400);
    }

    private static void assertProblem(Api.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("title").asString()).isNotBlank();
    }
}
