package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Browser safety on the default configuration: security headers, and no CORS unless configured. */
@TallyIntegrationTest
class SecurityHeadersTest {

    @LocalServerPort
    int port;

    @Test
    void apiAnswersCarrySecurityHeaders() {
        Api.Response response = new Api(port).get("/api/v1/jobs");

        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    /**
     * Tomcat refuses these paths itself, before any filter, and dispatches to the error page:
     * the header filter, which runs once per request, skips error dispatches.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/WEB-INF/web.xml", "/META-INF/MANIFEST.MF"})
    void errorsTheContainerAnswersBeforeAnyFilterCarrySecurityHeaders(String path) {
        Api.Response response = new Api(port).get(path);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Cache-Control")).contains("no-store");
    }

    @Test
    void errorsOfOrdinaryRequestsCarryEachSecurityHeaderOnce() {
        Api.Response response = new Api(port).get("/api/v1/jobs/0193a4f0-0000-7000-8000-000000000001");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(response.headers().allValues("Content-Security-Policy")).hasSize(1);
        assertThat(response.headers().allValues("Cache-Control")).hasSize(1);
    }

    @Test
    void crossOriginRequestsGetNoCorsGrantByDefault() {
        Api api = new Api(port);
        Api.Response preflight = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));

        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }
}
