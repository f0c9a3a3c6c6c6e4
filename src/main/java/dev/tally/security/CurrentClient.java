package dev.tally.security;

import dev.tally.job.NewJob;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The client a request acts for, as a stable id that owns jobs, scopes idempotency keys and
 * names rate-limit buckets: {@code key:<api key id>}, {@code jwt:<subject>}, or {@code anonymous}
 * when authentication is off. A subject too long for that ({@code jwt:<subject>} over
 * {@value #MAX_LENGTH} characters; OpenID Connect allows 255) is named by its SHA-256 instead,
 * {@code jwt-sha256:<hex>}.
 */
public final class CurrentClient {

    /** The columns a client id is kept in: jobs' {@code owner}, idempotency keys' {@code client_id} (V15). */
    static final int MAX_LENGTH = 160;

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
            return subject(jwt.getToken().getSubject());
        }
        return NewJob.ANONYMOUS;
    }

    static String subject(String subject) {
        String id = "jwt:" + subject;
        return id.length() <= MAX_LENGTH ? id : "jwt-sha256:" + ApiKeyStore.hash(subject);
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
