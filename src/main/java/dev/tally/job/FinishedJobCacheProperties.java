package dev.tally.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-memory cache of finished jobs ({@code tally.job-cache.*}) that answers repeated reads
 * without the store.
 *
 * @param enabled cache at all
 * @param maxBytes an estimate of the memory the cached jobs may take
 * @param ttl how long a job stays cached; bounds how stale a node can be if it misses another
 *     node's deletion notice (its notification connection was down)
 */
@Validated
@ConfigurationProperties("tally.job-cache")
public record FinishedJobCacheProperties(
        @DefaultValue("true") boolean enabled,
        @Min(0) @Max(1L << 34) @DefaultValue("16777216") long maxBytes,
        @NotNull @DefaultValue("30s") Duration ttl) {
}
