package dev.tally.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Batching on the dispatch path ({@code tally.dispatch.*}): what concurrent workers of one process
 * write to the store together. A batch is whatever is waiting when the previous one committed, up
 * to these sizes, so a lone worker is never delayed.
 *
 * @param claimBatchSize jobs named by broker messages claimed in one transaction (RabbitMQ mode;
 *     the local pump claims as many as it has free workers, in one transaction)
 * @param resultBatchSize results of succeeded attempts stored in one transaction
 */
@Validated
@ConfigurationProperties("tally.dispatch")
public record DispatchBatchProperties(
        @Min(1) @Max(1000) @DefaultValue("64") int claimBatchSize,
        @Min(1) @Max(1000) @DefaultValue("64") int resultBatchSize) {
}
