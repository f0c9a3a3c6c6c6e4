package dev.tally.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>A key this node has not looked up lately costs the store a query, and anyone can send a new
 * random key with every request: each client address may have {@value #UNKNOWN_KEYS_PER_MINUTE}
 * lookups a minute that find no key; past them its lookups wait (429 with Retry-After), while keys
 * this node knows go on working: those it looked up in the last 30 s, and those it found live in
 * the last day, which are looked up again (a revoked one then fails) whatever their address did.
 * So a client flooding unknown keys from an address it shares holds up only keys this node has
 * not seen in a day.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);

    private final ApiKeyStore keys;
    private final ProblemAuthenticationEntryPoint entryPoint;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();
    private final Cache<String, Optional<ApiKeyStore.KeyInfo>> lookups;
    private final Cache<UUID, Instant> touched = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(10_000).build();
    static final int UNKNOWN_KEYS_PER_MINUTE = 60;
    /** Per client address, the lookups left that may find no key. */
    private final Cache<String, Bucket> unknownKeyLookups = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
    /**
     * Hashes of the keys found live here in the last day: looked up even from an address that is
     * held up for unknown keys, since guessing one of them is as hard as guessing the key.
     */
    private final Cache<String, Boolean> foundLive;
    private final TimeMeter bucketTime;

    private final UriMatcher openPaths;

    ApiKeyAuthenticationFilter(ApiKeyStore keys, ProblemAuthenticationEntryPoint entryPoint, UriMatcher openPaths) {
        this(keys, entryPoint, openPaths, Ticker.systemTicker(), TimeMeter.SYSTEM_MILLISECONDS);
    }

    /**
     * @param ticker the time the caches of lookups go by
     * @param bucketTime the time the unknown keys' buckets refill by
     */
    ApiKeyAuthenticationFilter(ApiKeyStore keys, ProblemAuthenticationEntryPoint entryPoint, UriMatcher openPaths,
                               Ticker ticker, TimeMeter bucketTime) {
        this.bucketTime = bucketTime;
        this.lookups = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofSeconds(30)).maximumSize(10_000).build();
        this.foundLive = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofDays(1)).maximumSize(10_000).build();
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
        String hash = ApiKeyStore.hash(secret);
        Optional<ApiKeyStore.KeyInfo> key = secret.length() > 200 ? Optional.empty() : lookups.getIfPresent(hash);
        if (key == null) {
            Bucket misses = unknownKeyLookups.get(request.getRemoteAddr(), address -> Bucket.builder()
                    .addLimit(limit -> limit.capacity(UNKNOWN_KEYS_PER_MINUTE)
                            .refillGreedy(UNKNOWN_KEYS_PER_MINUTE, Duration.ofMinutes(1)))
                    .withCustomTimePrecision(bucketTime)
                    .build());
            if (misses.getAvailableTokens() < 1 && foundLive.getIfPresent(hash) == null) {
                long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(misses.estimateAbilityToConsume(1)
                        .getNanosToWaitForRefill()) + 1);
                response.setHeader("Retry-After", Long.toString(retryAfter));
                entryPoint.write(response, 429, "Too Many Requests", "too many unknown API keys from this address;"
                        + " retry in " + retryAfter + " s", "rate-limited");
                return;
            }
            try {
                key = keys.findLive(secret);
            } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
                // Not cached: the key is looked up again once the store answers.
                entryPoint.storeUnavailable(request, response, e);
                return;
            }
            lookups.put(hash, key);
            if (key.isEmpty()) {
                misses.tryConsume(1);
                foundLive.invalidate(hash); // revoked since
            } else {
                foundLive.put(hash, Boolean.TRUE);
            }
        }
        if (key.isEmpty()) {
            entryPoint.reject(response, "invalid_token", "the API key is unknown or revoked");
            return;
        }
        ApiKeyStore.KeyInfo info = key.get();
        touched.get(info.id(), this::touch);
        SecurityContext context = SecurityContextHolder.getContext();
        context.setAuthentication(new ApiKeyAuthentication(info.id(), info.name(), info.role(), info.rateLimitPerMinute()));
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
