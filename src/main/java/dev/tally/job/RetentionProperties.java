package dev.tally.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long finished jobs are kept ({@code tally.retention.*}), so the store stays bounded.
 *
 * @param enabled purge at all
 * @param maxAge terminal jobs (and their results) older than this, by finish time, are deleted
 * @param batchSize jobs deleted per statement, so a purge never holds long locks
 * @param interval time between purge runs
 */
@Validated
@ConfigurationProperties("tally.retention")
public record RetentionProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("7d") Duration maxAge,
        @Min(1) @Max(100_000) @DefaultValue("500") int batchSize,
        @NotNull @DefaultValue("1m") Duration interval) {
}
