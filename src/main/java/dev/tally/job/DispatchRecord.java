package dev.tally.job;

import java.util.UUID;

/** A pending outbox record: job {@code jobId} must be sent to the broker. */
public record DispatchRecord(long id, UUID jobId) {
}
