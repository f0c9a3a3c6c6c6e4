package dev.tally.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How new jobs are written to the store ({@code tally.submit.*}): submissions that arrive while a
 * commit is in progress wait for the next one and are committed together, in one transaction.
 *
 * @param maxBatch most submissions committed in one transaction
 * @param maxPending most submissions waiting for a commit; beyond it submissions get 503 with Retry-After
 * @param writers transactions committing submissions at once; 0 picks for the store, which is 1
 *     on both: the embedded H2 writes one commit at a time anyway, and on PostgreSQL a second
 *     writer measured the same rate with a p99 half again as long (its transactions contend for
 *     the same newest index pages; docs/benchmarks-history.md)
 * @param commitTimeout how long a submission waits for its commit before it is answered 503
 */
@Validated
@ConfigurationProperties("tally.submit")
public record SubmitProperties(
        @Min(1) @Max(10_000) @DefaultValue("256") int maxBatch,
        @Min(1) @Max(1_000_000) @DefaultValue("10000") int maxPending,
        @Min(0) @Max(16) @DefaultValue("0") int writers,
        @NotNull @DefaultValue("10s") Duration commitTimeout) {

    public SubmitProperties {
        // Bean Validation has no portable minimum for Duration; zero would refuse every submission.
        if (commitTimeout != null && commitTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("tally.submit.commit-timeout must be at least 1ms");
        }
    }

    /** {@link #writers()}, with 0 resolved. */
    int writerCount() {
        return writers > 0 ? writers : 1;
    }
}
