package dev.tally.job;

import java.util.UUID;

/**
 * A job a worker holds a lease on: the worker alone may finish, retry or release it while the
 * lease lives.
 *
 * @param attempt this attempt's number, the first is 1
 * @param owner the lease holder
 */
public record ClaimedJob(UUID id, JobSource source, int attempt, String owner) {
}
