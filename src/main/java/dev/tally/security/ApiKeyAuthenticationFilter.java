package dev.tally.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>}. Lookups are cached for 30 seconds (so a
 * revoked key stops working within 30 s on every node), and {@code last_used_at} is written at
 * most once a minute per key. A request without a key passes on unauthenticated; one with an
 * unknown key is answered 401 at once; one that cannot be looked up (the store is unreachable)
 * 503, as the API answers a store outage. Requests to the open paths (health) are not looked at:
 * they are answered whatever key comes with them.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);

    private final ApiKeyStore keys;
    private final ProblemAuthenticationEntryPoint entryPoint;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();
    private final Cache<String, Optional<ApiKeyStore.KeyInfo>> lookups = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(30)).maximumSize(10_000).build();
    private final Cache<UUID, Instant> touched = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(10_000).build();

    private final UriMatcher openPaths;

    ApiKeyAuthenticationFilter(ApiKeyStore keys, ProblemAuthenticationEntryPoint entryPoint, UriMatcher openPaths) {
        this.keys = keys;
        this.entryPoint = entryPoint;
        this.openPaths = openPaths;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return openPaths.matchesDecoded(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        String secret = header.substring(7).trim();
        Optional<ApiKeyStore.KeyInfo> key;
        try {
            key = secret.length() > 200 ? Optional.empty()
                    : lookups.get(ApiKeyStore.hash(secret), h -> keys.findLive(secret));
        } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
            // Not cached: the key is looked up again once the store answers.
            entryPoint.storeUnavailable(request, response, e);
            return;
        }
        if (key.isEmpty()) {
            entryPoint.reject(response, "invalid_token", "the API key is unknown or revoked");
            return;
        }
        ApiKeyStore.KeyInfo info = key.get();
        touched.get(info.id(), this::touch);
        SecurityContext context = SecurityContextHolder.getContext();
        context.setAuthentication(new ApiKeyAuthentication(info.id(), info.name(), info.rateLimitPerMinute()));
        // Kept with the request for its async dispatch (a long-poll's answer, an event stream's
        // end), which this filter skips: without it that dispatch ran unauthenticated and was
        // answered 401, a long-poll's answer replaced, an event stream's end a broken chunk.
        contexts.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    /**
     * Records that the key was used, at most once a minute; bookkeeping, so a store that cannot
     * take the write (unreachable since the lookup, or read-only while reads still work) does not
     * fail the request: it answered 500 to every request with a key, a read-only PostgreSQL's reads
     * included. Tried again a minute later.
     */
    private Instant touch(UUID id) {
        try {
            return keys.touch(id);
        } catch (DataAccessException e) {
            log.warn("could not record the use of API key {}: {}", id, e.getMessage());
            return Instant.EPOCH;
        }
    }
}
