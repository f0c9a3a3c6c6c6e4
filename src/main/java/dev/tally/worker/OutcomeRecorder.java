package dev.tally.worker;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Writes an attempt's outcome to the store, and writes it again a few times within seconds when
 * the store fails. The outcome is at hand (a histogram counted, an error known); the store's brief
 * trouble (a session it ended, a connection that joined the pool while the server took no writes,
 * a commit that failed) would otherwise cost the job its lease's wait and a second fetch and count.
 * Writing again is safe: every outcome is written only while the job is still this worker's
 * running attempt, so a write whose commit did happen after all is refused the second time (the
 * attempt then counts as discarded). When every try fails the last failure is thrown, and the job
 * is left to its lease, as before.
 */
final class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    /**
     * Four tries after the first, waiting 0.25, 0.5, 1 and 2 s: under 4 s in all, a small part of a
     * lease (30 s by default; the heartbeat renews it meanwhile), and long enough for the pool to
     * replace a connection that failed.
     */
    static final RetryPolicy WITHIN_SECONDS = RetryPolicy.builder().maxRetries(4).delay(Duration.ofMillis(250))
            .multiplier(2).maxDelay(Duration.ofSeconds(2))
            .includes(DataAccessException.class, TransactionException.class).build();

    private final RetryTemplate retries;

    OutcomeRecorder(RetryPolicy policy) {
        this.retries = new RetryTemplate(policy);
        this.retries.setRetryListener(new TriesLog());
    }

    /**
     * @return what the write returned, on the first try that did not fail
     * @throws DataAccessException or {@link TransactionException}: the last try's failure
     */
    <T> T record(Supplier<T> write) {
        return retries.invoke(write);
    }

    private static final class TriesLog implements RetryListener {

        @Override
        public void beforeRetry(RetryPolicy policy, Retryable<?> write, RetryState state) {
            if (state.getExceptions().size() == 1) {
                Throwable failure = state.getLastException();
                // A failed rollback (the session ended under the transaction: a restart, a
                // failover) names only the rollback; what failed first is the reason.
                Throwable reason = failure instanceof TransactionSystemException t && t.getApplicationException() != null
                        ? t.getApplicationException() : failure;
                log.info("could not record the outcome of the attempt ({}); writing it again shortly", reason.toString());
            }
        }

        @Override
        public void onRetrySuccess(RetryPolicy policy, Retryable<?> write, Object result) {
            log.info("recorded the outcome of the attempt on a later try");
        }
    }
}
