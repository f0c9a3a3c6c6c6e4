package dev.tally.webhook;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery ({@code tally.webhooks.*}).
 *
 * @param maxAttempts deliveries tried per webhook, the first included
 * @param initialBackoff wait before the first retry; doubles for every further one
 * @param maxBackoff cap of the wait
 * @param timeout the whole POST, connection included; no 2xx answer within it is a failure
 * @param secret HMAC-SHA256 key of the {@code Tally-Signature} header; without it, webhooks go
 *     unsigned (and a warning is logged at start)
 * @param pollInterval how often due deliveries are looked for
 * @param concurrency deliveries a node sends at once; it claims no more than that, so a claimed
 *     delivery never waits for a sender past its claim
 * @param perReceiverConcurrency deliveries a node sends at once to one receiver (scheme, host and
 *     port) while other receivers' deliveries are due, so that a slow receiver leaves senders to the
 *     others (senders that would idle go to a receiver beyond its share); after an attempt that got
 *     no answer, the node sends nothing to that receiver for {@code initialBackoff}
 */
@Validated
@ConfigurationProperties("tally.webhooks")
public record WebhookProperties(
        @Min(1) @Max(100) @DefaultValue("8") int maxAttempts,
        @NotNull @DefaultValue("30s") Duration initialBackoff,
        @NotNull @DefaultValue("1h") Duration maxBackoff,
        @NotNull @DefaultValue("10s") Duration timeout,
        String secret,
        @NotNull @DefaultValue("1s") Duration pollInterval,
        @Min(1) @Max(64) @DefaultValue("4") int concurrency,
        @Min(1) @Max(64) @DefaultValue("2") int perReceiverConcurrency) {
}
