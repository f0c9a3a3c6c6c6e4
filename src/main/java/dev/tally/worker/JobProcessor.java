package dev.tally.worker;

import dev.tally.fetch.FetchException;
import dev.tally.fetch.FetchedPage;
import dev.tally.fetch.PageFetcher;
import dev.tally.job.ClaimedJob;
import dev.tally.job.ErrorCode;
import dev.tally.job.JobAttempts;
import dev.tally.job.JobError;
import dev.tally.job.JobSource;
import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Runs one attempt of a claimed job: fetch (or load the text), count, and end the attempt as the
 * outcome says: succeeded, retried later with backoff, or failed.
 */
@Component
class JobProcessor {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);

    private final JobAttempts attempts;
    private final PageFetcher fetcher;
    private final TextAnalyzer analyzer;
    private final RetryProperties retry;
    private final Backoff backoff;
    private final Clock clock;

    JobProcessor(JobAttempts attempts, PageFetcher fetcher, TextAnalyzer analyzer, RetryProperties retry, Clock clock) {
        this.attempts = attempts;
        this.fetcher = fetcher;
        this.analyzer = analyzer;
        this.retry = retry;
        this.backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        this.clock = clock;
    }

    /**
     * @throws InterruptedException when the attempt was interrupted (cancel or shutdown); the
     *     caller decides what becomes of the job
     */
    void process(ClaimedJob job, InterruptGate gate) throws InterruptedException {
        MDC.put("jobId", job.id().toString());
        try {
            Histogram histogram = count(job, gate);
            if (gate.stopRequested()) {
                throw new InterruptedException();
            }
            if (attempts.succeed(job, histogram)) {
                log.info("job succeeded: {} words, {} distinct, attempt {}", histogram.totalWords(),
                        histogram.distinctWords(), job.attempt());
            } else {
                log.info("job result discarded: the job was cancelled, deleted or taken over meanwhile");
            }
        } catch (FetchException e) {
            onFetchFailure(job, e);
        } catch (InterruptedException e) {
            throw e;
        } catch (DataAccessException e) {
            // The store is unreachable: the lease runs out and the job is handed back then.
            log.warn("could not record the outcome of the attempt; the job will be retried after its lease expires", e);
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("job failed unexpectedly", e);
            attempts.fail(job, new JobError(ErrorCode.INTERNAL, "internal error while processing the job", false, null));
        } finally {
            MDC.remove("jobId");
        }
    }

    /** Fetches (or loads) and counts; only this part of an attempt may be interrupted. */
    private Histogram count(ClaimedJob job, InterruptGate gate) throws FetchException, InterruptedException {
        String text = null;
        if (job.source().type() == JobSource.Type.TEXT) {
            text = attempts.textOf(job).orElseThrow(
                    () -> new FetchException(ErrorCode.INTERNAL, false, "the submitted text is missing"));
        }
        gate.open();
        try {
            if (text != null) {
                return analyzer.countText(text);
            }
            try (FetchedPage page = fetcher.fetch(URI.create(job.source().url()))) {
                return analyzer.countDocument(page.body(), page.type(), page.charset());
            }
        } finally {
            gate.shut();
        }
    }

    private void onFetchFailure(ClaimedJob job, FetchException e) {
        if (e.deferral().isPresent()) {
            // Nothing was sent: the site is busy with our other jobs. Back to the queue, attempt not used.
            attempts.defer(job, clock.instant().plus(e.deferral().get()));
            return;
        }
        if (e.retryable() && job.attempt() < retry.maxAttempts()) {
            Instant next = clock.instant().plus(backoff.after(job.attempt()));
            log.info("attempt {} failed with {} ({}); retrying at {}", job.attempt(), e.code(), e.getMessage(), next);
            attempts.retry(job, next);
            return;
        }
        log.info("job failed with {} after {} attempt(s): {}", e.code(), job.attempt(), e.getMessage());
        attempts.fail(job, new JobError(e.code(), e.getMessage(), e.retryable(), e.httpStatus()));
    }
}
