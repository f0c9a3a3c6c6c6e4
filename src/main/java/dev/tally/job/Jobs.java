package dev.tally.job;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.tally.text.WordCount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job store as clients see it: submit, read, list, cancel, delete. A job returned by
 * {@link #submit} is committed to the store, so it will be processed even if the process dies
 * the next instant.
 */
@Service
public class Jobs {

    /** Most frequent words kept with the job for its representation ({@code ?top=} maximum). */
    public static final int MAX_TOP_WORDS = 100;

    /** How long an Idempotency-Key stands for its first job. */
    public static final java.time.Duration IDEMPOTENCY_WINDOW = java.time.Duration.ofHours(24);

    /** Freeing the key of a failed submission ({@link #freeKey}): two tries after the first. */
    private static final RetryTemplate KEY_FREEING = new RetryTemplate(RetryPolicy.builder()
            .maxRetries(2).delay(java.time.Duration.ofMillis(50)).multiplier(2).build());

    /** A first request that has not stored its job after this long is taken to have died. */
    static final java.time.Duration IN_FLIGHT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final JobRepository repository;
    private final AdmissionControl admission;
    private final IdempotencyRepository idempotency;
    private final TransactionTemplate transactions;
    private final SubmissionCommitter committer;
    private final ApplicationEventPublisher events;
    private final FinishedJobCache finished;
    private final StoredHistograms histograms;
    private final Clock clock;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();

    Jobs(JobRepository repository, AdmissionControl admission, IdempotencyRepository idempotency,
         TransactionTemplate transactions, SubmissionCommitter committer, ApplicationEventPublisher events,
         FinishedJobCache finished, StoredHistograms histograms,
         Clock clock) {
        this.repository = repository;
        this.admission = admission;
        this.idempotency = idempotency;
        this.transactions = transactions;
        this.committer = committer;
        this.events = events;
        this.finished = finished;
        this.histograms = histograms;
        this.clock = clock;
    }

    /** Stores a new QUEUED job durably and announces it. */
    public Job submit(NewJob request) {
        return create(request, null, null, null);
    }

    /**
     * Submits with an Idempotency-Key (IETF httpapi idempotency-key draft): a repeat of the same
     * request within {@link #IDEMPOTENCY_WINDOW} returns the first job and creates nothing.
     *
     * @param client whose key space the key is in
     * @throws IdempotencyConflictException when the first request is still in flight, or the key
     *     was used with another request
     */
    public Submission submit(NewJob request, String client, String key) {
        String hash = request.fingerprint();
        for (int attempt = 0; attempt < 3; attempt++) {
            Instant now = now();
            if (idempotency.tryInsert(client, key, hash, now)) {
                try {
                    return new Submission(create(request, client, key, now), false);
                } catch (RuntimeException e) {
                    freeKey(client, key, now, e);
                    throw e;
                }
            }
            var stored = idempotency.find(client, key);
            if (stored.isEmpty()) {
                continue; // purged meanwhile: try again
            }
            var existing = stored.get();
            boolean expired = existing.createdAt().isBefore(now.minus(IDEMPOTENCY_WINDOW));
            boolean abandoned = existing.jobId() == null && existing.createdAt().isBefore(now.minus(IN_FLIGHT_TIMEOUT));
            if (expired || abandoned) {
                idempotency.deleteIfCreatedAt(client, key, existing.createdAt());
                continue;
            }
            if (!existing.requestHash().equals(hash)) {
                throw new IdempotencyConflictException(IdempotencyConflictException.Reason.DIFFERENT_REQUEST,
                        "this Idempotency-Key was already used with a different request");
            }
            if (existing.jobId() == null) {
                throw new IdempotencyConflictException(IdempotencyConflictException.Reason.IN_FLIGHT,
                        "a request with this Idempotency-Key is still being processed");
            }
            Optional<Job> job = repository.find(existing.jobId());
            if (job.isPresent()) {
                return new Submission(job.get(), true);
            }
            // The job was deleted: the key no longer stands for anything.
            idempotency.deleteIfCreatedAt(client, key, existing.createdAt());
        }
        throw new IdempotencyConflictException(IdempotencyConflictException.Reason.IN_FLIGHT,
                "a request with this Idempotency-Key is still being processed");
    }

    /**
     * Frees the key of a submission that failed, so that the client's retry with it is taken. Tried
     * up to three times, 50 and 100 ms apart: the store's trouble that failed the submission often
     * fails the next statement too (PostgreSQL ending every session fails each pooled connection
     * once), and a key left behind answered every retry 409 for {@link #IN_FLIGHT_TIMEOUT}. The
     * submission's own failure is what the client is told; one of freeing the key goes with it.
     */
    private void freeKey(String client, String key, Instant createdAt, RuntimeException failure) {
        try {
            KEY_FREEING.invoke(() -> idempotency.deleteUnattached(client, key, createdAt));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private Job create(NewJob request, String client, String key, Instant keyCreatedAt) {
        Instant now = now();
        var source = request.url() != null
                ? JobSource.url(request.url())
                : JobSource.text(request.text().codePointCount(0, request.text().length()));
        admission.admit(request.owner());
        var job = new Job(ids.generate(), JobStatus.QUEUED, source, request.callbackUrl(), 0, 1,
                now, now, null, null, null, null, request.owner());
        byte[] text = request.text() == null ? null : request.text().getBytes(StandardCharsets.UTF_8);
        if (key == null) {
            committer.commit(job, text, request.origin());
        } else {
            // The key and its job commit together; such submissions are rare enough to go alone.
            transactions.executeWithoutResult(status -> {
                repository.insert(job, text, request.origin());
                if (!idempotency.attachJob(client, key, keyCreatedAt, job.id())) {
                    // This request outlived the in-flight timeout and a retry took the key over:
                    // storing a second job under it would leave the key naming only one of them.
                    throw new IdempotencyConflictException(IdempotencyConflictException.Reason.IN_FLIGHT,
                            "a request with this Idempotency-Key is still being processed");
                }
            });
            events.publishEvent(new JobsQueuedEvent(1));
        }
        // On the caller's thread, after the commit, so a batch's writer never waits for watchers
        // (the committer announces the batch's JobsQueuedEvent itself, once).
        events.publishEvent(new JobChangedEvent(job.id(), job.status()));
        return job;
    }

    /** The job as stored now; a finished job may come from memory (it cannot change any more). */
    public Optional<Job> find(UUID id) {
        Optional<Job> cached = finished.get(id);
        if (cached.isPresent()) {
            return cached;
        }
        Optional<Job> job = repository.find(id);
        job.ifPresent(finished::offer);
        return job;
    }

    /**
     * The span of the request that submitted the job, as a W3C {@code traceparent}, for spans of
     * its later work to join its trace; empty when none was kept (tracing off when it was submitted).
     */
    public Optional<String> traceParentOf(UUID id) {
        return repository.traceParentOf(id);
    }

    /**
     * The job, if it exists and belongs to {@code owner}; to anyone else it does not exist, down to
     * the time the answer takes: another client's job is looked up in the store as an unknown id
     * is, with the owner compared there (answered from the finished-job cache it was faster than an
     * unknown id, and read whole from the store and dropped here, slower), and so fails as an
     * unknown id does while the store is out.
     */
    public Optional<Job> findOwned(UUID id, String owner) {
        Optional<Job> cached = finished.get(id);
        if (cached.isPresent() && cached.get().owner().equals(owner)) {
            return cached;
        }
        Optional<Job> job = repository.findOwned(id, owner);
        job.ifPresent(finished::offer);
        return job;
    }

    /** Newest first, only {@code owner}'s jobs. */
    public JobPage list(String owner, JobStatus status, ListCursor after, int limit) {
        List<Job> rows = repository.list(owner, status, after, limit + 1);
        if (rows.size() <= limit) {
            return new JobPage(rows, null);
        }
        List<Job> page = rows.subList(0, limit);
        Job last = page.get(limit - 1);
        return new JobPage(List.copyOf(page), new ListCursor(last.createdAt(), last.id()));
    }

    /**
     * Cancels a queued or running job; a running attempt's result is discarded.
     *
     * @throws JobNotFoundException if there is no such job
     * @throws JobStateConflictException if the job is already terminal, cancelled before included
     *     (contract: {@code 409} if already terminal)
     */
    public Job cancel(UUID id) {
        boolean cancelled = repository.cancel(id, now());
        if (cancelled) {
            events.publishEvent(new JobChangedEvent(id, JobStatus.CANCELLED));
        }
        Job job = repository.find(id).orElseThrow(() -> new JobNotFoundException(id));
        if (!cancelled) {
            throw new JobStateConflictException(job, "job is already " + job.status());
        }
        return job;
    }

    /** Deletes a job and its result. @return false if there was no such job */
    public boolean delete(UUID id) {
        boolean deleted = repository.delete(id);
        if (deleted) {
            events.publishEvent(new JobDeletedEvent(id));
        }
        return deleted;
    }

    /**
     * A slice of a succeeded job's histogram, in histogram order.
     *
     * @throws JobNotFoundException if there is no such job
     * @throws JobStateConflictException if the job has not succeeded
     */
    public WordsPage words(UUID id, long offset, int limit) {
        Job job = succeededJob(id);
        List<WordCount> words;
        try (StoredHistograms.Held histogram = histograms.read(job.id())) {
            words = HistogramCodec.decode(histogram.data(), offset, limit + 1);
        }
        if (words.size() <= limit) {
            return new WordsPage(job, words, -1);
        }
        return new WordsPage(job, List.copyOf(words.subList(0, limit)), offset + limit);
    }

    /**
     * Visits the whole histogram of a succeeded job, in histogram order, without materialising it.
     * A large histogram is held in a heap budget while it is visited ({@link StoredHistograms}).
     *
     * @throws JobNotFoundException if there is no such job
     * @throws JobStateConflictException if the job has not succeeded
     * @throws ResultsBusyException if a large histogram found no room in the heap in time
     */
    public void forEachWord(UUID id, WordVisitor visitor) throws IOException {
        try (StoredHistograms.Held histogram = histograms.read(succeededJob(id).id())) {
            HistogramCodec.forEach(histogram.data(), 0, Long.MAX_VALUE, visitor::visit);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Checks that the job's words can be read (it exists and succeeded), without reading them.
     *
     * @throws JobNotFoundException if there is no such job
     * @throws JobStateConflictException if the job has not succeeded
     */
    public void checkWordsExist(UUID id) {
        succeededJob(id);
    }

    /** Receives the words of a histogram. */
    @FunctionalInterface
    public interface WordVisitor {
        void visit(WordCount word) throws IOException;
    }

    private Job succeededJob(UUID id) {
        Job job = find(id).orElseThrow(() -> new JobNotFoundException(id));
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new JobStateConflictException(job, "job is " + job.status() + ", words exist only for SUCCEEDED jobs");
        }
        return job;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
