package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The open chains' matcher: exact paths and prefixes, within the application's context path. */
class UriMatcherTest {

    private final UriMatcher dashboard = new UriMatcher(List.of("/", "/dashboard"), List.of("/dashboard/"));

    @Test
    void matchesTheDashboardPageAndItsFiles() {
        assertThat(dashboard.matches(get("", "/"))).isTrue();
        assertThat(dashboard.matches(get("", "/dashboard"))).isTrue();
        assertThat(dashboard.matches(get("", "/dashboard/dashboard.js"))).isTrue();
    }

    @Test
    void matchesNoApiPath() {
        assertThat(dashboard.matches(get("", "/api/v1/jobs"))).isFalse();
        assertThat(dashboard.matches(get("", "/api/v1/jobs/0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e"))).isFalse();
        assertThat(dashboard.matches(get("", "/dashboards"))).isFalse();
        assertThat(dashboard.matches(get("", "/Dashboard/dashboard.js"))).as("case is kept: the stricter chain").isFalse();
    }

    @Test
    void readsPathsWithinTheContextPath() {
        assertThat(dashboard.matches(get("/tally", "/tally/"))).isTrue();
        assertThat(dashboard.matches(get("/tally", "/tally/dashboard/dashboard.css"))).isTrue();
        assertThat(dashboard.matches(get("/tally", "/tally/api/v1/jobs"))).isFalse();
    }

    private static MockHttpServletRequest get(String contextPath, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setContextPath(contextPath);
        return request;
    }
}
