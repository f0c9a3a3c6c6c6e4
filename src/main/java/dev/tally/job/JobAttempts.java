package dev.tally.job;

import dev.tally.job.JobClaims.ClaimRequest;
import dev.tally.job.JobResults.SucceededAttempt;
import dev.tally.text.Histogram;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The job store as workers see it: claim due jobs under a lease, keep the lease alive, and end
 * an attempt. Every method is a conditional update: it returns false, and changes nothing, when
 * the job has moved on meanwhile (cancelled, deleted, or its lease given to another worker).
 */
@Service
public class JobAttempts {

    private final JobRepository repository;
    private final JobClaims claims;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    /** Claims of jobs named by messages, from concurrent consumers, in shared transactions. */
    private final GroupCommit<ClaimRequest, Optional<ClaimedJob>> namedClaims;
    /** Results of concurrent workers, stored in shared transactions. */
    private final GroupCommit<SucceededAttempt, Boolean> results;
    private final DistributionSummary claimBatchSizes;
    private final AdmissionControl admission;

    JobAttempts(JobRepository repository, JobClaims claims, JobResults results, DispatchBatchProperties batching,
                AdmissionControl admission, ApplicationEventPublisher events, Clock clock, MeterRegistry meters) {
        this.repository = repository;
        this.admission = admission;
        this.claims = claims;
        this.events = events;
        this.clock = clock;
        this.claimBatchSizes = DistributionSummary.builder("tally.dispatch.claim.batch.size")
                .description("jobs claimed per transaction that claimed any")
                .register(meters);
        this.namedClaims = new GroupCommit<>(batching.claimBatchSize(),
                requests -> counted(claims.claimNamed(requests, now())),
                request -> counted(claims.claimNamed(List.of(request), now())).get(0),
                StoreFailures::isStoreFailure);
        DistributionSummary resultBatchSizes = DistributionSummary.builder("tally.dispatch.result.batch.size")
                .description("results of succeeded attempts stored per transaction")
                .register(meters);
        this.results = new GroupCommit<>(batching.resultBatchSize(), batching.resultLinger(),
                attempts -> results.succeedAll(attempts, now()),
                attempt -> repository.succeed(attempt.id(), attempt.owner(), attempt.attempt(), now(), attempt.totalWords(),
                        attempt.distinctWords(), attempt.topWords(), attempt.histogram()),
                StoreFailures::isStoreFailure, resultBatchSizes::record);
    }

    /**
     * Claims up to {@code max} due queued jobs for {@code owner}, in one transaction; none while
     * the embedded store is nearly out of room on its disk ({@code tally.admission.min-free-disk}).
     */
    public List<ClaimedJob> claimDue(String owner, int max, Duration lease) {
        if (!admission.roomToWork()) {
            return List.of();
        }
        Instant now = now();
        List<ClaimedJob> claimed = claims.claimDue(owner, now, now.plus(lease), max);
        if (!claimed.isEmpty()) {
            claimBatchSizes.record(claimed.size());
        }
        claimed.forEach(j -> events.publishEvent(new JobChangedEvent(j.id(), JobStatus.RUNNING)));
        return claimed;
    }

    /**
     * Claims the named jobs that are still queued, whether due or not (dispatch messages name
     * them), in one transaction shared with the claims of concurrent callers.
     *
     * @return the jobs claimed, in the order named; a job not queued (running elsewhere, finished,
     *     cancelled or gone) is left out
     */
    public List<ClaimedJob> claimAll(List<UUID> ids, String owner, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Optional<ClaimedJob>> outcomes = namedClaims.writeAll(ids.stream()
                .map(id -> new ClaimRequest(id, owner, lease)).toList());
        List<ClaimedJob> claimed = outcomes.stream().flatMap(Optional::stream).toList();
        claimed.forEach(j -> events.publishEvent(new JobChangedEvent(j.id(), JobStatus.RUNNING)));
        return claimed;
    }

    /** Records how many of one committed transaction's named claims took their job. */
    private List<Optional<ClaimedJob>> counted(List<Optional<ClaimedJob>> outcomes) {
        long claimed = outcomes.stream().filter(Optional::isPresent).count();
        if (claimed > 0) {
            claimBatchSizes.record(claimed);
        }
        return outcomes;
    }

    /** Extends the lease; false means stop: the job was cancelled, deleted or taken over. */
    public boolean heartbeat(ClaimedJob job, Duration lease) {
        return repository.extendLease(job.id(), job.owner(), job.attempt(), now().plus(lease));
    }

    /**
     * The submitted text of a text job, as stored: UTF-8. A short text came with the claim; a
     * longer one is read now.
     */
    public Optional<byte[]> textOf(ClaimedJob job) {
        return job.text() != null ? Optional.of(job.text()) : repository.text(job.id());
    }

    /**
     * Stores the result and ends the job SUCCEEDED, exactly once; returns once committed. Results
     * of concurrent callers are stored together in one transaction.
     */
    public boolean succeed(ClaimedJob job, Histogram histogram) {
        HistogramCodec.Stored stored = HistogramCodec.encode(histogram, Jobs.MAX_TOP_WORDS);
        // A histogram of no more words than the top is stored once, as the top words.
        byte[] all = stored.topIsAll() ? null : stored.all();
        boolean done = results.write(new SucceededAttempt(job.id(), job.owner(), job.attempt(), histogram.totalWords(),
                histogram.distinctWords(), stored.top(), all));
        return announce(done, job.id(), JobStatus.SUCCEEDED);
    }

    /** Ends the job FAILED. */
    public boolean fail(ClaimedJob job, JobError error) {
        return announce(repository.fail(job.id(), job.owner(), job.attempt(), now(), error), job.id(), JobStatus.FAILED);
    }

    /** Puts the job back in the queue, due at {@code notBefore}. */
    public boolean retry(ClaimedJob job, Instant notBefore) {
        return announce(repository.retry(job.id(), job.owner(), job.attempt(), now(), notBefore), job.id(), JobStatus.QUEUED);
    }

    /**
     * Puts the job back in the queue, due at {@code notBefore}, without counting the attempt
     * (nothing was tried: the site was busy with other jobs).
     */
    public boolean defer(ClaimedJob job, Instant notBefore) {
        return announce(repository.defer(job.id(), job.owner(), job.attempt(), now(), notBefore.truncatedTo(ChronoUnit.MILLIS)),
                job.id(), JobStatus.QUEUED);
    }

    /** Hands the job back to the queue at once (the worker is stopping). */
    public boolean release(ClaimedJob job) {
        return announce(repository.release(job.id(), job.owner(), job.attempt(), now()), job.id(), JobStatus.QUEUED);
    }

    /**
     * Puts running jobs of dead workers back in the queue (or fails those that used every
     * attempt). With {@code everyOtherOwner} every lease but {@code self}'s counts as dead.
     *
     * @return how many jobs were handed back
     */
    public int releaseAbandoned(String self, boolean everyOtherOwner, int maxAttempts) {
        JobRepository.AbandonedJobs abandoned = repository.releaseAbandoned(now(), self, everyOtherOwner, maxAttempts);
        List<UUID> released = abandoned.released();
        released.forEach(id -> events.publishEvent(new JobChangedEvent(id, JobStatus.QUEUED)));
        // Failed ones are changes too: their long-polls and event streams are waiting for them.
        abandoned.failed().forEach(id -> events.publishEvent(new JobChangedEvent(id, JobStatus.FAILED)));
        if (!released.isEmpty()) {
            events.publishEvent(new JobsQueuedEvent(released.size()));
        }
        return released.size();
    }

    private boolean announce(boolean changed, UUID id, JobStatus status) {
        if (changed) {
            events.publishEvent(new JobChangedEvent(id, status));
            if (status == JobStatus.QUEUED) {
                events.publishEvent(new JobsQueuedEvent(1));
            }
        }
        return changed;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
