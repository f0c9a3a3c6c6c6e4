package dev.tally.job;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Admission control ({@code tally.admission.*}): bounds on unfinished (queued or running) jobs,
 * so the service sheds load instead of growing a backlog without end.
 *
 * @param maxActive all clients together; beyond it submissions get 503 with Retry-After
 * @param maxActivePerClient one client; beyond it that client's submissions get 429 with Retry-After
 * @param minFreeDisk while the embedded store can write less than this more (its disk's free space
 *     plus the space free inside its file), submissions get 503 {@code storage-full} with Retry-After:
 *     a write that finds the disk full closes the store until Tally restarts. {@code 0} turns the
 *     check off; PostgreSQL, whose disk Tally cannot see, is not checked
 */
@Validated
@ConfigurationProperties("tally.admission")
public record AdmissionProperties(
        @Min(1) @DefaultValue("100000") long maxActive,
        @Min(1) @DefaultValue("10000") long maxActivePerClient,
        @NotNull @DefaultValue("1GB") DataSize minFreeDisk) {

    public AdmissionProperties {
        if (minFreeDisk.isNegative()) {
            throw new IllegalArgumentException("tally.admission.min-free-disk must not be negative");
        }
    }
}
