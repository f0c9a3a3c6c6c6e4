package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.TallyApplication;
import dev.tally.support.Api;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Spring Security's chain runs before the filters that read request bodies and answer submissions
 * and polls on their short paths; a configured order that would move it after them is refused at
 * the start, not followed silently.
 */
class SecurityFilterOrderTest {

    @Test
    void refusesToStartWithTheSecurityChainAfterTheShortPaths() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TallyApplication.class).run("--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:tally-filter-order", "--tally.auth.mode=api-key",
                "--spring.security.filter.order=10").close())
                .rootCause().hasMessageContaining("spring.security.filter.order is 10; it must be below -50");
    }

    @Test
    void refusesAnUnauthenticatedSubmissionWithTheSecurityChainMovedEarlier() {
        try (var context = new SpringApplicationBuilder(TallyApplication.class).run("--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:tally-filter-order-early", "--tally.auth.mode=api-key",
                "--spring.security.filter.order=-200")) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));

            assertThat(api.postJson("/api/v1/jobs", "{\"text\":\"no key\"}").status()).isEqualTo(401);
        }
    }
}
