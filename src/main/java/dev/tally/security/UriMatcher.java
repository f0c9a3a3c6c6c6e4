package dev.tally.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Matches a request by its path as sent: equal to one of {@code paths}, or under one of
 * {@code prefixes}, after the servlet context path. For the rate limit's paths, and for the open
 * chains (API docs, dashboard) that every request is tried against before the API's: path
 * patterns there cost every poll ~0.15 % of its CPU each (six patterns:
 * ~1 %; async-profiler, 2026-12-06), string comparisons ~0.3 % for all. Safe on the raw path
 * because Spring Security's firewall has refused encoded slashes, dot segments, doubled slashes and
 * semicolons before any chain is chosen; a path spelled otherwise falls to the API's chain, which
 * is the stricter one. A decision that a path spelled otherwise must not escape (the rate limit:
 * {@code /%61pi/v1/jobs} is served as {@code /api/v1/jobs}) uses {@link #matchesDecoded}.
 */
record UriMatcher(List<String> paths, List<String> prefixes) implements RequestMatcher {

    @Override
    public boolean matches(HttpServletRequest request) {
        return matches(request.getRequestURI(), request.getContextPath().length());
    }

    /** Matches the path as the container decoded it (percent-decoding undone), as it is served. */
    boolean matchesDecoded(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return matches(pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo, 0);
    }

    private boolean matches(String uri, int start) {
        for (String path : paths) {
            if (uri.length() - start == path.length() && uri.startsWith(path, start)) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            if (uri.startsWith(prefix, start)) {
                return true;
            }
        }
        return false;
    }
}
