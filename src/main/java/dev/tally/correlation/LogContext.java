package dev.tally.correlation;

import java.util.UUID;
import org.slf4j.MDC;

/**
 * The keys Tally puts in the logging context (SLF4J's MDC), which every log line shows: in the
 * console pattern as {@code requestId=… jobId=…}, and as fields of their own in structured (JSON)
 * logs.
 *
 * <p>A request's id is given by {@code RequestIdFilter} to everything logged while the request is
 * handled; a job keeps the id of the request that submitted it, so a worker on another node logs
 * its attempts with both the job's id and that request's id.
 */
public final class LogContext {

    /** The id of the HTTP request being handled, or of the request that submitted the job being run. */
    public static final String REQUEST_ID = "requestId";

    /** The id of the job being run. */
    public static final String JOB_ID = "jobId";

    private LogContext() {
    }

    /** The id of the request this thread is handling, or null outside a request. */
    public static String requestId() {
        return MDC.get(REQUEST_ID);
    }

    /**
     * Puts a job's ids in this thread's logging context until the returned scope is closed.
     *
     * @param requestId the id of the request that submitted the job; null when it has none (jobs
     *     submitted before request ids were kept)
     */
    public static Scope job(UUID jobId, String requestId) {
        MDC.put(JOB_ID, jobId.toString());
        if (requestId == null) {
            MDC.remove(REQUEST_ID);
        } else {
            MDC.put(REQUEST_ID, requestId);
        }
        return new Scope();
    }

    /** Takes a job's ids out of the logging context again. */
    public static final class Scope implements AutoCloseable {

        private Scope() {
        }

        @Override
        public void close() {
            MDC.remove(JOB_ID);
            MDC.remove(REQUEST_ID);
        }
    }
}
