package dev.tally.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Batching on the dispatch path ({@code tally.dispatch.*}): what concurrent workers of one process
 * write to the store together. A batch is whatever is waiting when the previous one committed, up
 * to these sizes; only a result that finds no other waiting is held back, for at most
 * {@code resultLinger}, so that results finishing moments apart share a commit.
 *
 * @param claimBatchSize jobs named by broker messages claimed in one transaction (RabbitMQ mode;
 *     the local pump claims as many as it has free workers, in one transaction)
 * @param resultBatchSize results of succeeded attempts stored in one transaction
 * @param resultLinger how long a result that would be committed alone waits for others to join it
 *     (0 to commit it at once): under load, most result transactions otherwise hold one result
 */
@Validated
@ConfigurationProperties("tally.dispatch")
public record DispatchBatchProperties(
        @Min(1) @Max(1000) @DefaultValue("64") int claimBatchSize,
        @Min(1) @Max(1000) @DefaultValue("64") int resultBatchSize,
        @NotNull @DefaultValue("200us") Duration resultLinger) {

    /** The longest {@link #resultLinger()} allowed: a held result keeps its worker thread waiting. */
    static final Duration MAX_RESULT_LINGER = Duration.ofMillis(10);

    public DispatchBatchProperties {
        // Bean Validation has no portable bounds for Duration; a worker thread waits this long.
        if (resultLinger != null && (resultLinger.isNegative() || resultLinger.compareTo(MAX_RESULT_LINGER) > 0)) {
            throw new IllegalArgumentException("tally.dispatch.result-linger must be between 0 and "
                    + MAX_RESULT_LINGER.toMillis() + "ms");
        }
    }
}
