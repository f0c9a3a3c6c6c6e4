package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The actuator moved ({@code management.endpoints.web.base-path=/manage}): its health stays open
 * and its metrics stay an operator's there (both were bound to {@code /actuator}: health then
 * needed a key, and any client's key read the metrics).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-actuator-base-path;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key",
        "management.endpoints.web.base-path=/manage/"
})
class ActuatorUnderAnotherBasePathTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void keepsHealthOpenAndMetricsAnOperatorsUnderTheConfiguredBasePath() {
        Api api = new Api(port);
        String client = keys.create("client", null).secret();
        String operator = keys.create("prometheus", null, ApiKeyStore.Role.OPERATOR).secret();

        assertThat(api.get("/manage/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/manage/prometheus").status()).isEqualTo(401);
        assertThat(api.get("/manage/prometheus", "Authorization", "Bearer " + client).status()).isEqualTo(403);
        assertThat(api.get("/manage", "Authorization", "Bearer " + client).status()).isEqualTo(403);
        assertThat(api.get("/manage/prometheus", "Authorization", "Bearer " + operator).status()).isEqualTo(200);
    }
}
