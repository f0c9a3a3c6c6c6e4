package dev.tally.correlation;

/**
 * The request a job came from, kept with the job for the workers that run it, on whatever node:
 * its id, which their log lines carry, and its trace context, which their spans continue.
 *
 * @param requestId the request's id ({@code X-Request-Id}), or null
 * @param traceParent the request's span as a W3C {@code traceparent} value
 *     ({@code 00-<trace id>-<span id>-<flags>}), or null when tracing is off
 */
public record Origin(String requestId, String traceParent) {

    /** Longest {@code traceparent} kept: version 00 has 55 characters; later versions may add fields. */
    public static final int MAX_TRACE_PARENT_LENGTH = 64;

    /** No request: a job made by Tally itself, or by a version that kept neither. */
    public static final Origin NONE = new Origin(null, null);

    public Origin {
        if (traceParent != null && traceParent.length() > MAX_TRACE_PARENT_LENGTH) {
            traceParent = null;
        }
    }
}
