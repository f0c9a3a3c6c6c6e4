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
        @NotBlank @DefaultValue("Tally/0.1 (+https://github.com/tally-dev/tally)") String userAgent) {
}
