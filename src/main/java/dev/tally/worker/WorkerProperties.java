package dev.tally.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Job processing in this process ({@code tally.worker.*}).
 *
 * @param concurrency jobs processed at once; fetching is mostly waiting, so more than the cores
 * @param lease how long a claimed job stays this worker's without a heartbeat; a worker that
 *     dies loses its jobs after this long (the heartbeat renews it every third of it)
 * @param pollInterval how often the queue is checked when nothing announced new work
 * @param shutdownGrace how long a stopping worker lets running jobs finish before handing them back
 */
@Validated
@ConfigurationProperties("tally.worker")
public record WorkerProperties(
        @Min(1) @Max(1024) @DefaultValue("8") int concurrency,
        @NotNull @DefaultValue("30s") Duration lease,
        @NotNull @DefaultValue("1s") Duration pollInterval,
        @NotNull @DefaultValue("20s") Duration shutdownGrace) {
}
