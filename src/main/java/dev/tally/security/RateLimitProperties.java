package dev.tally.security;

import jakarta.validation.constraints.Min;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-client rate limits ({@code tally.rate-limit.*}): a token bucket per client (API key, JWT
 * subject, or IP address when anonymous) refilled at {@code requestsPerMinute}, holding at most
 * that many. Shared by all API nodes through PostgreSQL in the distributed mode.
 *
 * @param clients overrides by client id ({@code key:<id>}, {@code jwt:<sub>} or {@code jwt-sha256:<hex>}, {@code ip:<address>});
 *     an API key's own limit (set at creation) wins over both; each at least 1 (a bucket of 0 made
 *     every request of the client a 500)
 */
@Validated
@ConfigurationProperties("tally.rate-limit")
public record RateLimitProperties(
        @DefaultValue("false") boolean enabled,
        @Min(1) @DefaultValue("600") int requestsPerMinute,
        @DefaultValue Map<String, Integer> clients) {

    public RateLimitProperties {
        clients.forEach((client, perMinute) -> {
            if (perMinute == null || perMinute < 1) {
                throw new IllegalArgumentException("tally.rate-limit.clients[" + client + "] must be at least 1 request per minute");
            }
        });
    }
}
