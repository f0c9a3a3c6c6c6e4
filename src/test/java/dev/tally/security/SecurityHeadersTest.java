package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
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
