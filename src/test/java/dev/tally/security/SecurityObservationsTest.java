package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;

/**
 * Spring Security's observations are off, and so are their wrappers. With an observation registry
 * present (metrics are on), Spring Security would otherwise decorate the filter chain at every
 * request: each filter runs inside an {@link ObservationFilterChainDecorator} wrapper and the
 * request is timed as {@code spring.security.*} observations. Turning those observations into
 * no-ops (the property) would still leave the wrappers in place; only the settings bean removes
 * them. The chain's configured filters look the same either way, so these tests watch requests.
 */
@TallyIntegrationTest
class SecurityObservationsTest {

    @LocalServerPort
    int port;

    @Autowired
    FilterChainProxy springSecurityFilterChain;

    @Autowired
    MeterRegistry meters;

    @Test
    void requestsPassThroughTheSecurityFiltersWithoutObservationWrappers() throws Exception {
        AtomicReference<List<String>> callers = new AtomicReference<>();

        springSecurityFilterChain.doFilter(new MockHttpServletRequest("GET", "/api/v1/jobs"), new MockHttpServletResponse(),
                (request, response) -> callers.set(StackWalker.getInstance()
                        .walk(frames -> frames.map(StackWalker.StackFrame::getClassName).toList())));

        assertThat(callers.get()).as("the request got through the security chain").isNotNull()
                .contains(FilterChainProxy.class.getName())
                .noneMatch(caller -> caller.startsWith(ObservationFilterChainDecorator.class.getName()));
    }

    @Test
    void recordsNoSpringSecurityObservationsButStillTimesRequests() {
        assertThat(new Api(port).get("/api/v1/jobs").status()).isEqualTo(200);

        assertThat(meters.find("http.server.requests").timers()).as("request metrics").isNotEmpty();
        assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
                .noneMatch(name -> name.startsWith("spring.security."));
    }
}
