package dev.tally.job;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Admission control ({@code tally.admission.*}): bounds on unfinished (queued or running) jobs,
 * so the service sheds load instead of growing a backlog without end.
 *
 * @param maxActive all clients together; beyond it submissions get 503 with Retry-After
 * @param maxActivePerClient one client; beyond it that client's submissions get 429 with Retry-After
 */
@Validated
@ConfigurationProperties("tally.admission")
public record AdmissionProperties(
        @Min(1) @DefaultValue("100000") long maxActive,
        @Min(1) @DefaultValue("10000") long maxActivePerClient) {
}
