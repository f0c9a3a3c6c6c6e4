package dev.tally.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retries of retryable failures ({@code tally.retry.*}): CONNECT, TIMEOUT, DNS and HTTP
 * 408/429/5xx.
 *
 * @param maxAttempts attempts per job, the first included
 * @param initialBackoff wait before the second attempt; it doubles for every further one
 * @param maxBackoff cap of the wait
 */
@Validated
@ConfigurationProperties("tally.retry")
public record RetryProperties(
        @Min(1) @Max(100) @DefaultValue("4") int maxAttempts,
        @NotNull @DefaultValue("1s") Duration initialBackoff,
        @NotNull @DefaultValue("5m") Duration maxBackoff) {
}
