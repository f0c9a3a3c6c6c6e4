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
     * Puts a job's ids in this thread's logging context until the returned scope is closed, which
     * puts back what was there before (a request's id, when a request's thread logs for a job).
     *
     * @param requestId the id of the request that submitted the job; null when it has none (jobs
     *     submitted before request ids were kept)
     */
    public static Scope job(UUID jobId, String requestId) {
        Scope scope = new Scope(MDC.get(JOB_ID), MDC.get(REQUEST_ID));
        MDC.put(JOB_ID, jobId.toString());
        put(REQUEST_ID, requestId);
        return scope;
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Puts back the logging context a job's ids replaced. */
    public static final class Scope implements AutoCloseable {

        private final String jobId;
        private final String requestId;

        private Scope(String jobId, String requestId) {
            this.jobId = jobId;
            this.requestId = requestId;
        }

        @Override
        public void close() {
            put(JOB_ID, jobId);
            put(REQUEST_ID, requestId);
        }
    }
}
