package dev.tally.security;

import dev.tally.job.NewJob;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The client a request acts for, as a stable id that owns jobs, scopes idempotency keys and
 * names rate-limit buckets: {@code key:<api key id>}, {@code jwt:<subject>}, or {@code anonymous}
 * when authentication is off.
 */
public final class CurrentClient {

    private CurrentClient() {
    }

    public static String id() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()) {
            return NewJob.ANONYMOUS;
        }
        if (auth instanceof ApiKeyAuthentication key) {
            return "key:" + key.keyId();
        }
        if (auth instanceof JwtAuthenticationToken jwt) {
            return "jwt:" + jwt.getToken().getSubject();
        }
        return NewJob.ANONYMOUS;
    }

    /**
     * The client as per-client bounds count it (rate limits, open long-polls and event streams):
     * {@link #id()}, or {@code ip:<address>} when the request is anonymous, so that anonymous
     * clients do not share one bound. Behind a proxy the address is the proxy's unless the server
     * reads the forwarded headers ({@code server.forward-headers-strategy}).
     */
    public static String boundKey(HttpServletRequest request) {
        String id = id();
        return id.equals(NewJob.ANONYMOUS) ? "ip:" + request.getRemoteAddr() : id;
    }
}
