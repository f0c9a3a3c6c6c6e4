package dev.tally.job;

import java.util.UUID;

/**
 * A job a worker holds a lease on: the worker alone may finish, retry or release it while the
 * lease lives.
 *
 * @param attempt this attempt's number, the first is 1
 * @param owner the lease holder
 * @param text the submitted text as stored (UTF-8) when it is short enough to come with the claim,
 *     else null; workers read a text job's text with {@link JobAttempts#textOf}, which uses this
 *     when it is there
 * @param requestId the id of the request that submitted the job, or null (none was kept: jobs
 *     submitted by an earlier version)
 * @param traceParent the span of the request that submitted the job (W3C {@code traceparent}), or
 *     null: tracing was off on the node that took it, or an earlier version did
 */
public record ClaimedJob(UUID id, JobSource source, int attempt, String owner, byte[] text, String requestId,
                         String traceParent) {
}
