package dev.tally.job;

/**
 * Why a job failed.
 *
 * @param httpStatus the page's HTTP status for {@link ErrorCode#HTTP_STATUS}, else null
 */
public record JobError(ErrorCode code, String message, boolean retryable, Integer httpStatus) {
}
