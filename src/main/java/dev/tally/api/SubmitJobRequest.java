package dev.tally.api;

/**
 * The body of {@code POST /api/v1/jobs}: exactly one of {@code url} and {@code text}. Unknown
 * fields are rejected (the application's Jackson setting), so typos do not pass silently.
 */
record SubmitJobRequest(String url, String text, String callbackUrl) {
}
