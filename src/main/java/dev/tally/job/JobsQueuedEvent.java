package dev.tally.job;

/**
 * Published in-process once per committed transaction of this process that put jobs in the queue
 * (new submissions, retries, hand-backs), after its commit: what wakes the local claim pump and
 * the outbox relay. One event per transaction rather than per job, so that a loop woken by the
 * first job of a batch is not woken again, to find nothing, by the batch's other jobs (each job
 * still gets its own {@link JobChangedEvent}, for watchers and other nodes).
 *
 * @param jobs how many jobs the transaction queued (some may be due only later)
 */
public record JobsQueuedEvent(int jobs) {
}
