package dev.tally.worker;

import dev.tally.correlation.JobSpan;
import dev.tally.correlation.JobTraces;
import dev.tally.fetch.FetchException;
import dev.tally.fetch.FetchedPage;
import dev.tally.fetch.PageFetcher;
import dev.tally.job.ClaimedJob;
import dev.tally.job.ErrorCode;
import dev.tally.job.JobAttempts;
import dev.tally.job.JobError;
import dev.tally.job.JobSource;
import dev.tally.memory.HeapBudget;
import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Runs one attempt of a claimed job: fetch (or load the text), count, and end the attempt as the
 * outcome says: succeeded, retried later with backoff, or failed.
 *
 * <p>Every attempt is timed in {@code tally.job.attempts}, tagged with its {@code outcome}
 * ({@code succeeded}, {@code retried}, {@code failed}, {@code deferred}: back to the queue without
 * using an attempt, {@code discarded}: the job was cancelled, deleted or taken over meanwhile,
 * {@code interrupted}: cancel or shutdown, {@code unrecorded}: the store could not take the
 * outcome) and its {@code error} code ({@code none} unless it failed, was retried or deferred).
 * When tracing is on, an attempt is a span ({@code job attempt}, a child of the submitting
 * request's span) with the same outcome and error, and its fetch and count are spans of their own.
 */
@Component
class JobProcessor {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);

    /** How long a large text waits for room in the heap budget before its job goes back to the queue. */
    static final Duration TEXT_MEMORY_WAIT = Duration.ofSeconds(2);

    private final JobAttempts attempts;
    private final PageFetcher fetcher;
    private final TextAnalyzer analyzer;
    private final HeapBudget documentMemory;
    private final RetryProperties retry;
    private final Backoff backoff;
    private final Clock clock;
    private final OutcomeRecorder recorder;
    private final Meter.MeterProvider<Timer> attemptTimers;
    private final JobTraces traces;

    /** @param documentMemory the heap budget for large documents, shared with the page fetcher */
    JobProcessor(JobAttempts attempts, PageFetcher fetcher, TextAnalyzer analyzer, HeapBudget documentMemory,
                 RetryProperties retry, Clock clock, MeterRegistry meters, JobTraces traces) {
        this.traces = traces;
        this.attempts = attempts;
        this.fetcher = fetcher;
        this.analyzer = analyzer;
        this.documentMemory = documentMemory;
        this.retry = retry;
        this.backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        this.clock = clock;
        this.recorder = new OutcomeRecorder(OutcomeRecorder.WITHIN_SECONDS);
        this.attemptTimers = Timer.builder("tally.job.attempts").description("attempts of jobs by outcome and error code")
                .withRegistry(meters);
    }

    /**
     * @throws InterruptedException when the attempt was interrupted (cancel or shutdown); the
     *     caller decides what becomes of the job
     */
    void process(ClaimedJob job, InterruptGate gate) throws InterruptedException {
        long started = System.nanoTime();
        String outcome = "interrupted";
        ErrorCode error = null;
        JobSpan trace = traces.startAttempt(job.id(), job.attempt(),
                job.source().type().name().toLowerCase(Locale.ROOT), job.traceParent());
        try {
            Histogram histogram = count(job, gate, trace);
            if (gate.stopRequested()) {
                throw new InterruptedException();
            }
            outcome = "unrecorded";
            if (recorder.record(() -> attempts.succeed(job, histogram))) {
                outcome = "succeeded";
                log.info("job succeeded: {} words, {} distinct, attempt {}", histogram.totalWords(),
                        histogram.distinctWords(), job.attempt());
            } else {
                outcome = discarded();
            }
        } catch (FetchException e) {
            error = e.code();
            outcome = "unrecorded"; // until the store takes the outcome
            outcome = onFetchFailure(job, e);
        } catch (InterruptedException e) {
            throw e;
        } catch (DataAccessException | TransactionException e) {
            // The store took the outcome at none of the recorder's tries (unreachable, read-only,
            // or every commit failed: "JDBC rollback failed" when PostgreSQL ended the session):
            // the lease runs out and the job is handed back then, unless a commit did happen after
            // all. Failing it would end a job for the store's fault.
            outcome = "unrecorded";
            log.warn("could not record the outcome of the attempt; the job will be retried after its lease expires", e);
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("job failed unexpectedly", e);
            error = ErrorCode.INTERNAL;
            outcome = "unrecorded";
            JobError internal = new JobError(ErrorCode.INTERNAL, "internal error while processing the job", false, null);
            outcome = recorder.record(() -> attempts.fail(job, internal)) ? "failed" : discarded();
        } finally {
            attemptTimers.withTags("outcome", outcome, "error", error == null ? "none" : error.name())
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            trace.outcome("tally.job.outcome", outcome, error == null ? null : error.name());
            trace.close();
        }
    }

    /** Fetches (or loads) and counts; only the fetch and the count may be interrupted. */
    private Histogram count(ClaimedJob job, InterruptGate gate, JobSpan trace)
            throws FetchException, InterruptedException {
        if (job.source().type() == JobSource.Type.TEXT) {
            return countText(job, gate, trace);
        }
        URI url = URI.create(job.source().url());
        gate.open();
        try (FetchedPage page = fetched(url, trace); JobSpan.Step step = trace.step("count words", null, null)) {
            return analyzer.countDocument(page.body(), page.type(), page.charset());
        } finally {
            gate.shut();
        }
    }

    /** The fetch as a step of the attempt: the page's host is named, not its URL (paths can hold what is not ours to export). */
    private FetchedPage fetched(URI url, JobSpan trace) throws FetchException, InterruptedException {
        try (JobSpan.Step step = trace.step("fetch page", "server.address", url.getHost())) {
            try {
                return fetcher.fetch(url);
            } catch (FetchException | InterruptedException | RuntimeException e) {
                step.failed(e);
                throw e;
            }
        }
    }

    /**
     * Counts a submitted text from its stored UTF-8. A large text first takes room in the heap
     * budget, as a large page does: it is reserved as many bytes as it has chars, which at the
     * budget's weight covers its UTF-8 (up to three bytes a char) and the counter's table twice
     * over. No room within {@link #TEXT_MEMORY_WAIT}: the job goes back to the queue for a second
     * or two, without using an attempt.
     */
    private Histogram countText(ClaimedJob job, InterruptGate gate, JobSpan trace)
            throws FetchException, InterruptedException {
        Integer chars = job.source().length();
        HeapBudget.Reservation room = null;
        if (chars != null && documentMemory.isLarge(chars)) {
            room = documentMemory.reserve(chars, System.nanoTime() + TEXT_MEMORY_WAIT.toNanos());
            if (room == null) {
                throw FetchException.memoryBusy(FetchException.shortDeferral());
            }
        }
        try {
            byte[] text = attempts.textOf(job).orElseThrow(
                    () -> new FetchException(ErrorCode.INTERNAL, false, "the submitted text is missing"));
            gate.open();
            try (JobSpan.Step step = trace.step("count words", null, null)) {
                return analyzer.countUtf8(text);
            } finally {
                gate.shut();
            }
        } finally {
            if (room != null) {
                room.release();
            }
        }
    }

    /**
     * @return the attempt's outcome: deferred, retried or failed; discarded when the store took
     *     none of them because the job is no longer this attempt's (cancelled, deleted, or taken
     *     over by another attempt after a stall longer than the lease), so nothing is said of it
     *     that did not happen
     */
    private String onFetchFailure(ClaimedJob job, FetchException e) {
        if (e.deferral().isPresent()) {
            // Nothing was sent: the site is busy with our other jobs. Back to the queue, attempt not used.
            Instant due = clock.instant().plus(e.deferral().get());
            return recorder.record(() -> attempts.defer(job, due)) ? "deferred" : discarded();
        }
        if (e.retryable() && job.attempt() < retry.maxAttempts()) {
            Instant next = clock.instant().plus(backoff.after(job.attempt()));
            if (!recorder.record(() -> attempts.retry(job, next))) {
                return discarded();
            }
            log.info("attempt {} failed with {} ({}); retrying at {}", job.attempt(), e.code(), e.getMessage(), next);
            return "retried";
        }
        JobError failure = new JobError(e.code(), e.getMessage(), e.retryable(), e.httpStatus());
        if (!recorder.record(() -> attempts.fail(job, failure))) {
            return discarded();
        }
        log.info("job failed with {} after {} attempt(s): {}", e.code(), job.attempt(), e.getMessage());
        return "failed";
    }

    private static String discarded() {
        log.info("attempt outcome discarded: the job was cancelled, deleted or taken over meanwhile"
                + " (or an earlier try of the write, reported failed, did commit)");
        return "discarded";
    }
}
