package dev.tally.fetch;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and safety rules of page fetching ({@code tally.fetch.*}).
 *
 * @param allowPrivateNetworks allow loopback, private, link-local, unique-local and other
 *     non-public destinations; off by default so Tally cannot be used to reach internal services
 * @param maxBytes largest body accepted, counted after decompression
 * @param timeout the whole fetch, redirects included
 * @param connectTimeout establishing one TCP (and TLS) connection
 * @param readTimeout longest silence while reading a response
 * @param maxRedirects redirects followed; one more fails with TOO_MANY_REDIRECTS
 * @param userAgent the User-Agent sent with every request
 * @param maxHostWait how long a fetch waits for a turn at a busy host; a job that gets none goes
 *     back to the queue for a second or two, without using an attempt, so it never holds a worker
 *     while a site is busy; its product token (the leading
 *     letters, {@code _} and {@code -}, e.g. {@code Tally}) is the name matched against robots.txt groups
 * @param respectRobots honour each site's robots.txt; a disallowed page fails with ROBOTS_DISALLOWED
 * @param robotsCacheTtl how long a site's robots.txt (or its absence) is remembered per origin
 * @param perHostConcurrency requests in flight at once to one host from this process
 * @param perHostInterval least time between the starts of two requests to one host from this
 *     process; a longer robots.txt {@code Crawl-delay} (up to 30s) takes its place
 * @param largePageHeapPercent share of the heap, in percent, that pages larger than 256 KiB may
 *     take at once in this process, each counted as eight times its size (body, text and document
 *     tree); a large page that finds no room within {@code maxHostWait} goes back to the queue for
 *     a second or two without using an attempt
 */
@Validated
@ConfigurationProperties("tally.fetch")
public record FetchProperties(
        @DefaultValue("false") boolean allowPrivateNetworks,
        @NotNull @DefaultValue("10MB") DataSize maxBytes,
        @NotNull @DefaultValue("30s") Duration timeout,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration readTimeout,
        @Min(0) @Max(20) @DefaultValue("5") int maxRedirects,
        @NotBlank @DefaultValue("Tally/0.1 (+https://github.com/tally-dev/tally)") String userAgent,
        @DefaultValue("true") boolean respectRobots,
        @NotNull @DefaultValue("1h") Duration robotsCacheTtl,
        @Min(1) @Max(100) @DefaultValue("2") int perHostConcurrency,
        @NotNull @DefaultValue("250ms") Duration perHostInterval,
        @NotNull @DefaultValue("2s") Duration maxHostWait,
        @Min(1) @Max(90) @DefaultValue("40") int largePageHeapPercent) {

    public FetchProperties {
        // Bean Validation has no portable minimum for Duration; a negative value is a typo to refuse at startup.
        if (robotsCacheTtl != null && robotsCacheTtl.isNegative()) {
            throw new IllegalArgumentException("tally.fetch.robots-cache-ttl must not be negative");
        }
        if (perHostInterval != null && perHostInterval.isNegative()) {
            throw new IllegalArgumentException("tally.fetch.per-host-interval must not be negative");
        }
    }
}
