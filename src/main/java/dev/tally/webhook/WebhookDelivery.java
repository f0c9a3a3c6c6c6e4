package dev.tally.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * One webhook of a job and its delivery so far; {@code id} is the {@code Tally-Delivery} header,
 * the same on every retry.
 *
 * @param status PENDING (more attempts to come), DELIVERED or FAILED (attempts exhausted)
 * @param receiver the {@link Receiver} of {@code url} once the dispatcher noted it (it passed the
 *     delivery over while the receiver was busy), else null
 */
record WebhookDelivery(
        UUID id,
        UUID jobId,
        String event,
        String url,
        String status,
        int attempts,
        Instant nextAttemptAt,
        Instant lastAttemptAt,
        Integer lastStatus,
        String lastError,
        Instant createdAt,
        Instant deliveredAt,
        String receiver) {

    /** This delivery as its claim for one attempt left it: next attempt at {@code until}. */
    WebhookDelivery claimedUntil(Instant until) {
        return new WebhookDelivery(id, jobId, event, url, status, attempts, until, lastAttemptAt, lastStatus, lastError,
                createdAt, deliveredAt, receiver);
    }
}
