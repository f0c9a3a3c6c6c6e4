package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.RawHttp;
import dev.tally.support.RawHttp.RawAnswer;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * TRACE is refused on every path even with a firewall that lets any method through (an operator's
 * or a later change's): the servlet behind would echo the request's headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:trace-refusal;DB_CLOSE_DELAY=-1")
class TraceRefusalTest {

    @TestConfiguration
    static class AnyMethodFirewall {
        @Bean
        HttpFirewall anyMethodFirewall() {
            StrictHttpFirewall firewall = new StrictHttpFirewall();
            firewall.setUnsafeAllowAnyHttpMethod(true);
            return firewall;
        }
    }

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/jobs", "/actuator/health", "/dashboard/dashboard.js", "/no-such-path"})
    void refusesTraceWithoutEchoingTheRequest(String path) throws IOException {
        RawAnswer answer = RawHttp.send(port, "TRACE " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Secret-Probe: s3cr3t\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(answer.status()).as(answer.head()).isEqualTo(400);
        assertThat(answer.json().get("type").asString()).isEqualTo("urn:tally:problem:malformed-request");
        assertThat(answer.json().get("detail").asString()).isEqualTo("the method TRACE is not accepted");
        assertThat(answer.head() + answer.body()).doesNotContain("s3cr3t");
    }

    @Test
    void stillServesOtherMethods() throws IOException {
        assertThat(RawHttp.send(port, "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").status())
                .isEqualTo(200);
    }
}
