package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code tally.auth.actuator-access=clients}: metrics readable with any valid key, as before operator keys existed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-actuator-clients;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key",
        "tally.auth.actuator-access=clients"
})
class ActuatorForClientsTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void servesMetricsToAnyValidKeyButNotToAnonymousCallers() {
        Api api = new Api(port);
        String client = keys.create("dashboards", null).secret();

        assertThat(api.get("/actuator/prometheus", "Authorization", "Bearer " + client).status()).isEqualTo(200);
        assertThat(api.get("/actuator/prometheus").status()).isEqualTo(401);
    }
}
