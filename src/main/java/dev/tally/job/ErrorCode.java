package dev.tally.job;

/** Why a job failed; the codes of the API contract ({@code error.code}). */
public enum ErrorCode {
    DNS,
    CONNECT,
    TIMEOUT,
    HTTP_STATUS,
    TOO_LARGE,
    UNSUPPORTED_CONTENT_TYPE,
    FORBIDDEN_DESTINATION,
    ROBOTS_DISALLOWED,
    TOO_MANY_REDIRECTS,
    INVALID_CONTENT,
    INTERNAL
}
