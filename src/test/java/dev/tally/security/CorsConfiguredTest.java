package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With {@code tally.cors.allowed-origins}, exactly those origins may call the API from a browser. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-cors;DB_CLOSE_DELAY=-1",
        "tally.cors.allowed-origins=https://dashboard.example"
})
class CorsConfiguredTest {

    @LocalServerPort
    int port;

    @Test
    void grantsTheConfiguredOriginOnly() {
        Api api = new Api(port);

        Api.Response allowed = preflight(api, "https://dashboard.example");
        Api.Response other = preflight(api, "https://evil.example");

        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://dashboard.example");
        assertThat(allowed.header("Access-Control-Allow-Headers")).containsIgnoringCase("Idempotency-Key");
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        assertThat(other.status()).isEqualTo(403);
    }

    private static Api.Response preflight(Api api, String origin) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,idempotency-key"));
    }
}
