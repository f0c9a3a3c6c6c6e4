package dev.tally.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rate limits API requests per client with Bucket4j token buckets: in the store (PostgreSQL,
 * consistent across API nodes) or in memory (embedded store: one process). Answers include the
 * IETF {@code RateLimit-Policy} and {@code RateLimit} headers; a refused request gets 429
 * problem+json with {@code Retry-After}, and one whose shared bucket cannot be read (the store is
 * unreachable) 503, as the API answers a store outage.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private static final String POLICY = "per-client";

    private final RateLimitProperties properties;
    private final ProxyManager<String> shared;
    private final ProblemAuthenticationEntryPoint problems;
    private final Cache<String, Bucket> local = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

    /** @param shared the distributed bucket store, or null for in-memory buckets */
    RateLimitFilter(RateLimitProperties properties, ProxyManager<String> shared, ProblemAuthenticationEntryPoint problems) {
        this.properties = properties;
        this.shared = shared;
        this.problems = problems;
    }

    /** The API and the compatible API, by the path as served (a percent-encoded spelling is the same path). */
    private static final UriMatcher LIMITED = new UriMatcher(List.of("/word-count"), List.of("/api/"));

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !LIMITED.matchesDecoded(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = CurrentClient.boundKey(request);
        int perMinute = limitOf(client);
        ConsumptionProbe probe;
        try {
            probe = bucket(client, perMinute).tryConsumeAndReturnRemaining(1);
        } catch (BucketExceptions.BucketExecutionException e) {
            // Shared buckets live in the job store: without it there is no count to go by, and
            // nothing behind the limit that could serve the request either.
            problems.storeUnavailable(request, response,
                    new DataAccessResourceFailureException("the rate limit of " + client + " could not be read", e));
            return;
        }
        long resetSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForReset()) + 1);
        response.setHeader("RateLimit-Policy", "\"" + POLICY + "\";q=" + perMinute + ";w=60");
        if (!probe.isConsumed()) {
            long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            response.setHeader("RateLimit", "\"" + POLICY + "\";r=0;t=" + retryAfter);
            response.setHeader("Retry-After", Long.toString(retryAfter));
            problems.write(response, 429, "Too Many Requests",
                    "rate limit of " + perMinute + " requests per minute exceeded; retry in " + retryAfter + " s", "rate-limited");
            return;
        }
        response.setHeader("RateLimit", "\"" + POLICY + "\";r=" + probe.getRemainingTokens() + ";t=" + resetSeconds);
        chain.doFilter(request, response);
    }

    private int limitOf(String client) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof ApiKeyAuthentication key
                && key.rateLimitPerMinute() != null) {
            // A key made before limits below 1 were refused: the strictest limit there is, not a
            // bucket of no tokens (which made every request of the key a 500).
            return Math.max(1, key.rateLimitPerMinute());
        }
        return properties.clients().getOrDefault(client, properties.requestsPerMinute());
    }

    private Bucket bucket(String client, int perMinute) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
        String key = client + "|" + perMinute;
        if (shared != null) {
            return shared.builder().build(key, () -> configuration);
        }
        return local.get(key, k -> Bucket.builder().addLimit(limit -> limit.capacity(perMinute)
                .refillGreedy(perMinute, Duration.ofMinutes(1))).build());
    }
}
