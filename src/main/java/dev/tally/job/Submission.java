package dev.tally.job;

/** The outcome of a submission: the job, and whether it was an idempotent replay (nothing created). */
public record Submission(Job job, boolean replayed) {
}
