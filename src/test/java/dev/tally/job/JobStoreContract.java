package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tally.correlation.Origin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every job store must do, run against each real database Tally supports: the migrations
 * apply unchanged and the conditional updates hold under races.
 */
abstract class JobStoreContract {

    /** A stored top-words list holding one entry, "hello" × 2, in the codec's format. */
    private static final byte[] SOME_RESULT = deflate(new byte[] {2, 5, 'h', 'e', 'l', 'l', 'o'});

    protected JobRepository repository;
    protected JdbcClient jdbc;
    /** The fresh database of the current test. */
    protected DataSource database;
    private DataSource dataSource;
    private JobClaims claims;
    private JobResults results;
    protected Instant now;

    /** A fresh, empty database (or schema) for one test. */
    protected abstract DataSource freshDataSource(String flywaySchema);

    protected abstract void dropDataSource();

    /** Whether each test gets its own schema (else its own database). */
    protected abstract boolean isolatesBySchema();

    @BeforeEach
    void migrate() {
        String schema = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        dataSource = freshDataSource(schema);
        database = dataSource;
        var flyway = Flyway.configure().dataSource(dataSource);
        if (isolatesBySchema()) {
            flyway.schemas(schema);
        }
        flyway.load().migrate();
        jdbc = JdbcClient.create(dataSource);
        repository = new JobRepository(jdbc);
        var named = new NamedParameterJdbcTemplate(dataSource);
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        claims = new JobClaims(named, transactions);
        results = new JobResults(named, transactions, repository);
        now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @AfterEach
    void drop() {
        dropDataSource();
    }

    @Test
    void storesAndReadsBackAUrlJobWithMillisecondTimes() {
        Job job = queuedUrlJob("https://example.com/a");
        repository.insert(job, null, null);

        Job stored = repository.find(job.id()).orElseThrow();

        assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(stored.source()).isEqualTo(JobSource.url("https://example.com/a"));
        assertThat(stored.createdAt()).isEqualTo(now);
        assertThat(stored.attempts()).isZero();
        assertThat(stored.summary()).isNull();
        assertThat(stored.error()).isNull();
    }

    @Test
    void keepsAnIdempotencyKeyThatNamesAStoredJobWhenItsSubmissionReportedAFailure() {
        // The session ended during COMMIT after the server committed: the job is stored, the
        // submission saw an error and cleans its key up; a retry with the key must find the job.
        var keys = new IdempotencyRepository(jdbc);
        UUID stored = UUID.randomUUID();
        assertThat(keys.tryInsert("alice", "order-42", "hash", now)).isTrue();
        assertThat(keys.attachJob("alice", "order-42", now, stored)).isTrue();

        keys.deleteUnattached("alice", "order-42", now);

        assertThat(keys.find("alice", "order-42")).hasValueSatisfying(key -> assertThat(key.jobId()).isEqualTo(stored));
    }

    @Test
    void removesAnIdempotencyKeyWhoseSubmissionStoredNothing() {
        var keys = new IdempotencyRepository(jdbc);
        assertThat(keys.tryInsert("alice", "order-43", "hash", now)).isTrue();

        keys.deleteUnattached("alice", "order-43", now);

        assertThat(keys.find("alice", "order-43")).isEmpty();
    }

    @Test
    void attachesAJobOnlyToTheIdempotencyKeyItsOwnRequestInserted() {
        // The first request outlived the in-flight timeout; a retry took the key over.
        var keys = new IdempotencyRepository(jdbc);
        Instant retried = now.plusSeconds(31);
        assertThat(keys.tryInsert("alice", "order-44", "hash", now)).isTrue();
        jdbc.sql("DELETE FROM idempotency_key").update();
        assertThat(keys.tryInsert("alice", "order-44", "hash", retried)).isTrue();
        UUID retriedJob = UUID.randomUUID();
        assertThat(keys.attachJob("alice", "order-44", retried, retriedJob)).isTrue();

        boolean attached = keys.attachJob("alice", "order-44", now, UUID.randomUUID());

        assertThat(attached).isFalse();
        assertThat(keys.find("alice", "order-44")).hasValueSatisfying(key -> assertThat(key.jobId()).isEqualTo(retriedJob));
    }

    @Test
    void countsUnfinishedJobsOnlyUpToTheLimitAskedFor() {
        for (int i = 0; i < 5; i++) {
            Job job = queuedUrlJob("https://example.com/a" + i);
            repository.insert(job, null, null);
            if (i < 2) {
                repository.claim(job.id(), "w" + i, now, now.plusSeconds(30)); // running: unfinished too
            }
        }
        for (int i = 0; i < 2; i++) {
            repository.insert(new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.url("https://example.com/b" + i), null,
                    0, 1, now, now, null, null, null, null, "client-b"), null, null);
        }
        Job finished = queuedUrlJob("https://example.com/done");
        repository.insert(finished, null, null);
        repository.claim(finished.id(), "w1", now, now.plusSeconds(30));
        repository.fail(finished.id(), "w1", 1, now, new JobError(ErrorCode.INTERNAL, "boom", false, null));

        assertThat(repository.countActive(null, 100)).isEqualTo(7);
        assertThat(repository.countActive("client-a", 100)).isEqualTo(5);
        assertThat(repository.countActive(null, 3)).isEqualTo(3);
        assertThat(repository.countActive(null, 2)).as("two running and five queued, up to two").isEqualTo(2);
        assertThat(repository.countActive("client-b", 1)).isEqualTo(1);
    }

    @Test
    void keepsSubmittedTextApartAndRemovesItWhenTheJobEnds() {
        Job job = new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.text(5), null, 0, 1, now, now,
                null, null, null, null, "client-a");
        repository.insert(job, "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        assertThat(repository.text(job.id())).isPresent();

        repository.claim(job.id(), "w1", now, now.plusSeconds(30));
        repository.fail(job.id(), "w1", 1, now, new JobError(ErrorCode.INTERNAL, "boom", false, null));

        assertThat(repository.text(job.id())).isEmpty();
        assertThat(repository.find(job.id()).orElseThrow().source().length()).isEqualTo(5);
    }

    @Test
    void storesAndReadsBackATextOfSeveralMegabytesByteForByte() {
        byte[] text = "Plain words, caf\u00e9 and na\u00efve ones, fill this long submitted text. "
                .repeat(40_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Job job = new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.text(text.length), null, 0, 1, now, now,
                null, null, null, null, "client-a");

        repository.insert(job, text, null);

        assertThat(repository.text(job.id())).hasValueSatisfying(stored -> assertThat(stored).isEqualTo(text));
    }

    @Test
    void onlyOneOfManyConcurrentClaimsWins() throws Exception {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "worker-" + i;
                claims.add(() -> repository.claim(job.id(), owner, now, now.plusSeconds(30)));
            }
            long winners = 0;
            for (Future<Boolean> result : pool.invokeAll(claims)) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(repository.find(job.id()).orElseThrow().attempts()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelWinsOverALaterCompletionWhoseResultIsDiscarded() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));

        assertThat(repository.cancel(job.id(), now)).isTrue();
        assertThat(repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT)).isFalse();

        Job stored = repository.find(job.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(stored.summary()).isNull();
        assertThat(repository.histogram(job.id())).isEmpty();
    }

    @Test
    void terminalJobsCannotBeCancelled() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));
        repository.fail(job.id(), "w1", 1, now, new JobError(ErrorCode.HTTP_STATUS, "the page answered 404", false, 404));

        assertThat(repository.cancel(job.id(), now)).isFalse();
        Job stored = repository.find(job.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobStatus.FAILED);
        assertThat(stored.error()).isEqualTo(new JobError(ErrorCode.HTTP_STATUS, "the page answered 404", false, 404));
    }

    @Test
    void storesAResultExactlyOnce() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));

        assertThat(repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT)).isTrue();
        assertThat(repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT)).isFalse();

        int results = jdbc.sql("SELECT COUNT(*) FROM job_result WHERE job_id = :id").param("id", job.id())
                .query(Integer.class).single();
        assertThat(results).isEqualTo(1);
    }

    @Test
    void aResultWhoseTopWordsHoldEveryWordIsStoredOnceAndReadAsTheFullHistogram() {
        List<Job> jobs = runningJobs(2);
        byte[] top = SOME_RESULT;

        assertThat(repository.succeed(jobs.get(0).id(), "w1", 1, now, 2, 1, top, null)).isTrue();
        assertThat(results.succeedAll(List.of(new JobResults.SucceededAttempt(jobs.get(1).id(), "w1", 1, 2, 1, top, null)), now))
                .containsExactly(true);

        for (Job job : jobs) {
            assertThat(repository.histogram(job.id())).hasValueSatisfying(data -> assertThat(data).isEqualTo(top));
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM job_histogram").query(Integer.class).single())
                .as("no separate histogram rows").isZero();
        repository.delete(jobs.get(0).id());
        assertThat(repository.histogram(jobs.get(0).id())).isEmpty();
    }

    @Test
    void aWorkerThatLostItsLeaseCannotFinishTheJob() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "dead-worker", now, now.plusSeconds(1));
        repository.releaseAbandoned(now.plusSeconds(2), "someone-else", false, 4);
        repository.claim(job.id(), "new-worker", now.plusSeconds(2), now.plusSeconds(32));

        assertThat(repository.succeed(job.id(), "dead-worker", 1, now, 1, 1, SOME_RESULT, SOME_RESULT)).isFalse();
        assertThat(repository.extendLease(job.id(), "dead-worker", 1, now.plusSeconds(60))).isFalse();
        assertThat(repository.succeed(job.id(), "new-worker", 2, now, 1, 1, SOME_RESULT, SOME_RESULT)).isTrue();
        assertThat(repository.find(job.id()).orElseThrow().attempts()).isEqualTo(2);
    }

    /**
     * A lease is a node's: a node whose renewals failed past the lease (its store was away) and
     * that claims the job again holds it twice, the stale attempt still running. Only the latest
     * attempt may renew, finish, retry or hand back the job.
     */
    @Test
    void aStaleAttemptCannotFinishTheJobItsNodeClaimedAgain() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "node-a", now, now.plusSeconds(1));
        repository.releaseAbandoned(now.plusSeconds(2), "node-b", false, 4);
        repository.claim(job.id(), "node-a", now.plusSeconds(2), now.plusSeconds(32));

        assertThat(repository.extendLease(job.id(), "node-a", 1, now.plusSeconds(60))).isFalse();
        assertThat(repository.retry(job.id(), "node-a", 1, now, now.plusSeconds(5))).isFalse();
        assertThat(repository.release(job.id(), "node-a", 1, now)).isFalse();
        assertThat(repository.fail(job.id(), "node-a", 1, now, new JobError(ErrorCode.TIMEOUT, "too slow", true, null)))
                .isFalse();
        assertThat(repository.succeed(job.id(), "node-a", 1, now, 1, 1, SOME_RESULT, SOME_RESULT)).isFalse();
        assertThat(results.succeedAll(List.of(new JobResults.SucceededAttempt(job.id(), "node-a", 1, 1, 1, SOME_RESULT,
                SOME_RESULT)), now)).containsExactly(false);
        assertThat(repository.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        assertThat(repository.extendLease(job.id(), "node-a", 2, now.plusSeconds(60))).isTrue();
        assertThat(repository.succeed(job.id(), "node-a", 2, now, 1, 1, SOME_RESULT, SOME_RESULT)).isTrue();
    }

    @Test
    void requeuesJobWhenItsWorkerStopsRenewingTheLease() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));

        assertThat(repository.releaseAbandoned(now.plusSeconds(10), "w2", false, 4).released()).isEmpty();
        assertThat(repository.releaseAbandoned(now.plusSeconds(31), "w2", false, 4).released()).containsExactly(job.id());
        assertThat(repository.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void failsAnAbandonedJobThatUsedEveryAttempt() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(1));

        JobRepository.AbandonedJobs abandoned = repository.releaseAbandoned(now.plusSeconds(2), "w2", false, 1);

        Job stored = repository.find(job.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobStatus.FAILED);
        assertThat(stored.error().code()).isEqualTo(ErrorCode.INTERNAL);
        // Named, so that its watchers hear of it (they wait for every change of the job)
        assertThat(abandoned.failed()).containsExactly(job.id());
        assertThat(abandoned.released()).isEmpty();
    }

    @Test
    void aRetriedJobWaitsForItsBackoff() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));

        assertThat(repository.retry(job.id(), "w1", 1, now, now.plusSeconds(5))).isTrue();

        assertThat(claims.claimDue("w2", now.plusSeconds(4), now.plusSeconds(34), 10)).isEmpty();
        assertThat(claims.claimDue("w2", now.plusSeconds(5), now.plusSeconds(35), 10))
                .extracting(ClaimedJob::id).containsExactly(job.id());
    }

    @Test
    void listsNewestFirstAcrossPages() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Instant created = now.plusMillis(i);
            Job job = new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.url("https://example.com/" + i), null,
                    0, 1, created, created, null, null, null, null, "client-a");
            repository.insert(job, null, null);
            ids.add(0, job.id());
        }
        List<Job> first = repository.list("client-a", null, null, 2);
        Job last = first.get(1);
        List<Job> second = repository.list("client-a", null, new ListCursor(last.createdAt(), last.id()), 2);

        assertThat(first).extracting(Job::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(second).extracting(Job::id).containsExactly(ids.get(2), ids.get(3));
        assertThat(repository.list("client-a", JobStatus.RUNNING, null, 10)).isEmpty();
        assertThat(repository.list("client-b", null, null, 10)).as("another client's jobs").isEmpty();
    }

    @Test
    void deletingAJobRemovesItsResult() {
        Job job = queuedUrlJob("https://example.com/");
        repository.insert(job, null, null);
        repository.claim(job.id(), "w1", now, now.plusSeconds(30));
        repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT);

        assertThat(repository.delete(job.id())).isTrue();

        assertThat(repository.find(job.id())).isEmpty();
        assertThat(repository.histogram(job.id())).isEmpty();
        assertThat(repository.delete(job.id())).isFalse();
    }

    @Test
    void purgesOnlyTerminalJobsThatFinishedBeforeTheCutoffInBatches() {
        List<UUID> old = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Job job = queuedUrlJob("https://example.com/old" + i);
            repository.insert(job, null, null);
            repository.claim(job.id(), "w1", now, now.plusSeconds(30));
            repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT);
            old.add(job.id());
        }
        Job stillQueued = queuedUrlJob("https://example.com/queued");
        repository.insert(stillQueued, null, null);
        Job recent = queuedUrlJob("https://example.com/recent");
        repository.insert(recent, null, null);
        repository.claim(recent.id(), "w1", now, now.plusSeconds(30));
        repository.fail(recent.id(), "w1", 1, now.plusSeconds(100), new JobError(ErrorCode.DNS, "no such host", true, null));

        assertThat(repository.deleteFinishedBefore(now.plusSeconds(50), 2)).hasSize(2);
        assertThat(repository.deleteFinishedBefore(now.plusSeconds(50), 2)).hasSize(1);
        assertThat(repository.deleteFinishedBefore(now.plusSeconds(50), 2)).isEmpty();

        old.forEach(id -> assertThat(repository.find(id)).isEmpty());
        assertThat(repository.histogram(old.get(0))).isEmpty();
        assertThat(repository.find(stillQueued.id())).isPresent();
        assertThat(repository.find(recent.id())).isPresent();
    }

    @Test
    void theRetentionPurgeAnnouncesEveryJobItDeletesAcrossBatches() {
        List<UUID> expired = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Job job = queuedUrlJob("https://example.com/expired" + i);
            repository.insert(job, null, null);
            repository.claim(job.id(), "w1", now, now.plusSeconds(30));
            repository.succeed(job.id(), "w1", 1, now, 3, 2, SOME_RESULT, SOME_RESULT);
            expired.add(job.id());
        }
        Job recent = queuedUrlJob("https://example.com/recent");
        repository.insert(recent, null, null);
        repository.claim(recent.id(), "w1", now, now.plusSeconds(30));
        repository.fail(recent.id(), "w1", 1, now.plusSeconds(100), new JobError(ErrorCode.DNS, "no such host", true, null));
        List<Object> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        var maxAge = java.time.Duration.ofDays(7);
        // Two jobs per batch, so the three expired ones take two batches; purging at "now + 7 days + 50 s".
        var purger = new RetentionPurger(repository, new IdempotencyRepository(jdbc),
                new RetentionProperties(true, maxAge, 2, java.time.Duration.ofHours(1)), published::add,
                java.time.Clock.fixed(now.plus(maxAge).plusSeconds(50), java.time.ZoneOffset.UTC));
        purger.start(); // its first scheduled run is an hour away: the purge below is the only one
        try {
            assertThat(purger.purgeExpired()).isEqualTo(3);
        } finally {
            purger.stop();
        }

        assertThat(published).containsExactlyInAnyOrderElementsOf(expired.stream().map(JobDeletedEvent::new).toList());
        expired.forEach(id -> assertThat(repository.find(id)).isEmpty());
        assertThat(repository.find(recent.id())).isPresent();
    }

    @Test
    void claimsADueBatchInOneGoButNeitherCancelledNorDeletedNorFutureJobs() {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(queuedUrlJob("https://example.com/" + i));
            repository.insert(jobs.get(i), null, null);
        }
        repository.cancel(jobs.get(0).id(), now);
        repository.delete(jobs.get(1).id());
        repository.claim(jobs.get(2).id(), "w0", now, now.plusSeconds(30));
        repository.retry(jobs.get(2).id(), "w0", 1, now, now.plusSeconds(60));

        List<ClaimedJob> claimed = claims.claimDue("w1", now, now.plusSeconds(30), 10);

        assertThat(claimed).extracting(ClaimedJob::id).containsExactlyInAnyOrder(jobs.get(3).id(), jobs.get(4).id());
        assertThat(claimed).allSatisfy(job -> {
            assertThat(job.owner()).isEqualTo("w1");
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.source().url()).startsWith("https://example.com/");
            assertThat(repository.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        });
        assertThat(repository.find(jobs.get(0).id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(repository.find(jobs.get(2).id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(claims.claimDue("w2", now, now.plusSeconds(30), 10)).isEmpty();
    }

    @Test
    void concurrentBatchClaimersNeverGetTheSameJob() throws Exception {
        int total = 200;
        for (int i = 0; i < total; i++) {
            repository.insert(queuedUrlJob("https://example.com/" + i), null, null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<List<UUID>>> claimers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String owner = "worker-" + w;
                claimers.add(() -> {
                    List<UUID> mine = new ArrayList<>();
                    while (queuedJobs() > 0) {
                        claims.claimDue(owner, now, now.plusSeconds(30), 7).forEach(j -> mine.add(j.id()));
                    }
                    return mine;
                });
            }
            List<UUID> all = new ArrayList<>();
            for (Future<List<UUID>> claimed : pool.invokeAll(claimers)) {
                all.addAll(claimed.get());
            }
            assertThat(all).hasSize(total).doesNotHaveDuplicates();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM job WHERE status = 'RUNNING' AND attempts = 1")
                    .query(Integer.class).single()).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    private long queuedJobs() {
        return jdbc.sql("SELECT COUNT(*) FROM job WHERE status = 'QUEUED'").query(Long.class).single();
    }

    @Test
    void redispatchesNamedJobsOnlyWhileQueuedAndWithoutAPendingRecord() {
        var outbox = new JobRepository(jdbc, true);
        Job unclaimed = queuedUrlJob("https://example.com/unclaimed");
        Job stillPending = queuedUrlJob("https://example.com/pending");
        Job running = queuedUrlJob("https://example.com/running");
        List.of(unclaimed, stillPending, running).forEach(j -> outbox.insert(j, null, null));
        // The first job's message was published (its record deleted) and then let go of unclaimed.
        outbox.deleteDispatches(dispatchIdsOf(unclaimed.id()));
        outbox.claim(running.id(), "w1", now, now.plusSeconds(30));
        outbox.deleteDispatches(dispatchIdsOf(running.id()));

        Redispatched redispatched = outbox.redispatch(List.of(unclaimed.id(), stillPending.id(), running.id(),
                UUID.randomUUID()), now.plusSeconds(1));

        assertThat(redispatched.sent()).containsExactly(unclaimed.id());
        assertThat(redispatched.inFlight()).isEmpty();
        assertThat(dispatchIdsOf(unclaimed.id())).hasSize(1);
        assertThat(dispatchIdsOf(stillPending.id())).hasSize(1);
        assertThat(dispatchIdsOf(running.id())).isEmpty();
    }

    @Test
    void relaysDueRecordsThenDeletesThem() {
        var outbox = new JobRepository(jdbc, true);
        Job job = queuedUrlJob("https://example.com/relayed");
        outbox.insert(job, null, null);
        JobDispatches dispatches = new JobDispatches(outbox, new TransactionTemplate(new DataSourceTransactionManager(database)),
                Clock.fixed(now.plusSeconds(1), ZoneOffset.UTC));
        List<UUID> published = new ArrayList<>();

        int relayed = dispatches.relayDue(10, Duration.ofSeconds(30),
                records -> records.forEach(record -> published.add(record.jobId())));

        assertThat(relayed).isEqualTo(1);
        assertThat(published).containsExactly(job.id());
        assertThat(dispatchIdsOf(job.id())).isEmpty();
    }

    /**
     * A relay publishes a record's message before it deletes the record and commits, so a worker
     * may get the message, fail to claim the job and hand it back while the record still stands,
     * deleted but not committed. Judged then, the job seemed to have its record; once the relay
     * committed it had neither record nor message, and waited for the reconciler (5 minutes).
     */
    @Test
    void judgesAJobWhoseRecordARelayIsDeletingOnlyOnceTheRelayEnded() throws Exception {
        var outbox = new JobRepository(jdbc, true);
        Job job = queuedUrlJob("https://example.com/relayed-then-unclaimed");
        outbox.insert(job, null, null);
        try (java.sql.Connection relay = database.getConnection()) {
            relay.setAutoCommit(false);
            try (var lock = relay.prepareStatement("SELECT id FROM job_dispatch WHERE job_id = ? FOR UPDATE");
                 var delete = relay.prepareStatement("DELETE FROM job_dispatch WHERE job_id = ?")) {
                lock.setObject(1, job.id());
                lock.executeQuery().close();
                delete.setObject(1, job.id());
                delete.executeUpdate();
            }

            Redispatched whileRelaying = outbox.redispatch(List.of(job.id()), now.plusSeconds(1));

            assertThat(whileRelaying.sent()).isEmpty();
            assertThat(whileRelaying.inFlight()).containsExactly(job.id());
            relay.commit();
        }

        Redispatched afterwards = outbox.redispatch(List.of(job.id()), now.plusSeconds(2));

        assertThat(afterwards.sent()).containsExactly(job.id());
        assertThat(afterwards.inFlight()).isEmpty();
        assertThat(dispatchIdsOf(job.id())).hasSize(1);
    }

    @Test
    void redispatchesQueuedJobsWhoseMessageWasLostOnlyOnceLongPastDue() {
        var outbox = new JobRepository(jdbc, true);
        Job lost = queuedUrlJob("https://example.com/lost");
        Job pending = queuedUrlJob("https://example.com/pending");
        List.of(lost, pending).forEach(j -> outbox.insert(j, null, null));
        outbox.deleteDispatches(dispatchIdsOf(lost.id()));

        assertThat(outbox.redispatchStuck(now.minusSeconds(60), now, 10)).as("not yet long past due").isEmpty();
        assertThat(outbox.redispatchStuck(now.plusSeconds(1), now.plusSeconds(1), 10)).containsExactly(lost.id());
        assertThat(dispatchIdsOf(lost.id())).hasSize(1);
        assertThat(dispatchIdsOf(pending.id())).hasSize(1);
    }

    protected List<Long> dispatchIdsOf(UUID jobId) {
        return jdbc.sql("SELECT id FROM job_dispatch WHERE job_id = :id").param("id", jobId).query(Long.class).list();
    }

    @Test
    void aClaimCarriesAShortSubmittedTextButNotALongOne() {
        String shortText = "Short notes, caf\u00e9 included, travel with their claim.";
        String longText = "x".repeat(JobClaims.TEXT_WITH_CLAIM_CHARS + 1);
        Job shortJob = textJob(shortText);
        Job longJob = textJob(longText);
        Job urlJob = queuedUrlJob("https://example.com/page");
        repository.insert(shortJob, shortText.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        repository.insert(longJob, longText.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        repository.insert(urlJob, null, null);

        List<ClaimedJob> claimed = claims.claimDue("w1", now, now.plusSeconds(30), 10);

        assertThat(claimed).hasSize(3);
        assertThat(claimed).filteredOn(j -> j.id().equals(shortJob.id())).singleElement()
                .satisfies(j -> assertThat(j.text()).asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo(shortText));
        assertThat(claimed).filteredOn(j -> !j.id().equals(shortJob.id())).allSatisfy(j -> assertThat(j.text()).isNull());
    }

    @Test
    void aNamedClaimCarriesAShortSubmittedText() {
        String text = "Named in a message, claimed with its words.";
        Job job = textJob(text);
        repository.insert(job, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);

        List<java.util.Optional<ClaimedJob>> claimed = claims.claimNamed(
                List.of(new JobClaims.ClaimRequest(job.id(), "w1", java.time.Duration.ofSeconds(30))), now);

        assertThat(claimed.get(0)).hasValueSatisfying(
                j -> assertThat(j.text()).asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo(text));
    }

    @Test
    void everyClaimCarriesTheIdAndTheSpanOfTheRequestThatSubmittedTheJob() {
        Job due = queuedUrlJob("https://example.com/due");
        Job named = queuedUrlJob("https://example.com/named");
        Job older = queuedUrlJob("https://example.com/before-request-ids");
        String span = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        repository.insert(due, null, new Origin("lb-5f0c2a4e", span));
        repository.insert(named, null, new Origin("0123456789abcdef", null));
        repository.insert(older, null, null);

        List<java.util.Optional<ClaimedJob>> byName = claims.claimNamed(
                List.of(new JobClaims.ClaimRequest(named.id(), "w1", java.time.Duration.ofSeconds(30))), now);
        List<ClaimedJob> byDueTime = claims.claimDue("w2", now, now.plusSeconds(30), 10);

        assertThat(byName.get(0)).hasValueSatisfying(j -> assertThat(j.requestId()).isEqualTo("0123456789abcdef"));
        assertThat(byName.get(0)).hasValueSatisfying(j -> assertThat(j.traceParent()).isNull());
        assertThat(byDueTime).extracting(ClaimedJob::id, ClaimedJob::requestId, ClaimedJob::traceParent)
                .containsExactlyInAnyOrder(tuple(due.id(), "lb-5f0c2a4e", span), tuple(older.id(), null, null));
    }

    @Test
    void aJobNamedTwiceInOneClaimGoesToTheFirstRequestOnly() {
        Job job = queuedUrlJob("https://example.com/redelivered");
        Job other = queuedUrlJob("https://example.com/other");
        repository.insert(job, null, null);
        repository.insert(other, null, null);
        var lease = java.time.Duration.ofSeconds(30);

        List<java.util.Optional<ClaimedJob>> claimed = claims.claimNamed(List.of(
                new JobClaims.ClaimRequest(job.id(), "w1", lease),
                new JobClaims.ClaimRequest(other.id(), "w1", lease),
                new JobClaims.ClaimRequest(job.id(), "w1", lease)), now);

        assertThat(claimed.get(0)).hasValueSatisfying(j -> assertThat(j.id()).isEqualTo(job.id()));
        assertThat(claimed.get(1)).hasValueSatisfying(j -> assertThat(j.id()).isEqualTo(other.id()));
        assertThat(claimed.get(2)).isEmpty();
        assertThat(repository.find(job.id()).orElseThrow().attempts()).isEqualTo(1);
    }

    private Job textJob(String text) {
        return new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.text(text.length()), null, 0, 1, now, now,
                null, null, null, null, "client-a");
    }

    @Test
    void claimsNamedJobsTogetherOnlyWhileTheyAreQueued() {
        Job queued = queuedUrlJob("https://example.com/a");
        Job cancelled = queuedUrlJob("https://example.com/b");
        Job running = queuedUrlJob("https://example.com/c");
        List.of(queued, cancelled, running).forEach(j -> repository.insert(j, null, null));
        repository.cancel(cancelled.id(), now);
        repository.claim(running.id(), "w0", now, now.plusSeconds(30));
        UUID missing = UUID.randomUUID();
        var lease = java.time.Duration.ofSeconds(30);

        List<java.util.Optional<ClaimedJob>> claimed = claims.claimNamed(List.of(
                new JobClaims.ClaimRequest(queued.id(), "w1", lease),
                new JobClaims.ClaimRequest(cancelled.id(), "w1", lease),
                new JobClaims.ClaimRequest(running.id(), "w1", lease),
                new JobClaims.ClaimRequest(missing, "w1", lease),
                new JobClaims.ClaimRequest(queued.id(), "w2", lease)), now);

        assertThat(claimed.get(0)).hasValueSatisfying(j -> assertThat(j.owner()).isEqualTo("w1"));
        assertThat(claimed.subList(1, 5)).allSatisfy(c -> assertThat(c).isEmpty());
        assertThat(repository.find(queued.id()).orElseThrow().attempts()).isEqualTo(1);
        assertThat(repository.find(running.id()).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void concurrentNamedClaimBatchesInAnyOrderClaimEachJobOnce() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Job job = queuedUrlJob("https://example.com/" + i);
            repository.insert(job, null, null);
            ids.add(job.id());
        }
        List<UUID> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Long>> claimers = new ArrayList<>();
            for (List<UUID> order : List.of(ids, reversed)) {
                String owner = "worker-" + claimers.size();
                claimers.add(() -> {
                    long won = 0;
                    for (int from = 0; from < order.size(); from += 10) {
                        List<JobClaims.ClaimRequest> batch = order.subList(from, from + 10).stream()
                                .map(id -> new JobClaims.ClaimRequest(id, owner, java.time.Duration.ofSeconds(30)))
                                .toList();
                        won += claims.claimNamed(batch, now).stream().filter(java.util.Optional::isPresent).count();
                    }
                    return won;
                });
            }
            long won = 0;
            for (Future<Long> claimed : pool.invokeAll(claimers)) {
                won += claimed.get();
            }
            assertThat(won).isEqualTo(100);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM job WHERE status = 'RUNNING' AND attempts = 1")
                    .query(Integer.class).single()).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void storesABatchOfResultsEachJobSucceedingOnceAndDiscardsThoseOfCancelledJobs() {
        List<Job> jobs = runningJobs(4);
        repository.cancel(jobs.get(3).id(), now);
        List<JobResults.SucceededAttempt> batch = jobs.stream().map(j -> attemptResult(j.id(), SOME_RESULT)).toList();

        assertThat(results.succeedAll(batch, now)).containsExactly(true, true, true, false);
        assertThat(results.succeedAll(batch, now)).containsExactly(false, false, false, false);

        for (Job job : jobs.subList(0, 3)) {
            Job stored = repository.find(job.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(stored.summary().totalWords()).isEqualTo(3);
            assertThat(repository.histogram(job.id())).isPresent();
        }
        assertThat(repository.find(jobs.get(3).id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(repository.histogram(jobs.get(3).id())).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM job_result").query(Integer.class).single()).isEqualTo(3);
    }

    @Test
    void oneFailingResultInAGroupCommitDoesNotLoseTheOthers() throws Exception {
        List<Job> jobs = runningJobs(4);
        var firstWriteStarted = new java.util.concurrent.CountDownLatch(1);
        var othersWaiting = new java.util.concurrent.CountDownLatch(1);
        var batches = new java.util.concurrent.atomic.AtomicInteger();
        GroupCommit<JobResults.SucceededAttempt, Boolean> commit = new GroupCommit<>(64,
                batch -> {
                    batches.incrementAndGet();
                    return results.succeedAll(batch, now);
                },
                one -> {
                    firstWriteStarted.countDown();
                    await(othersWaiting);
                    return results.succeedAll(List.of(one), now).get(0);
                },
                e -> false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // The first caller writes alone and holds the others back until they all wait: they then
            // form one batch, whose bad member (no top words: NOT NULL) fails it as a whole.
            Future<Boolean> first = pool.submit(() -> commit.write(attemptResult(jobs.get(0).id(), SOME_RESULT)));
            firstWriteStarted.await();
            List<Future<Boolean>> rest = new ArrayList<>();
            rest.add(pool.submit(() -> commit.write(attemptResult(jobs.get(1).id(), SOME_RESULT))));
            rest.add(pool.submit(() -> commit.write(attemptResult(jobs.get(2).id(), null))));
            rest.add(pool.submit(() -> commit.write(attemptResult(jobs.get(3).id(), SOME_RESULT))));
            org.awaitility.Awaitility.await().until(() -> commit.waiting() == 3);
            othersWaiting.countDown();

            assertThat(first.get()).isTrue();
            assertThat(rest.get(0).get()).isTrue();
            assertThat(rest.get(2).get()).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rest.get(1).get())
                    .hasCauseInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
            assertThat(batches.get()).isEqualTo(1);
            assertThat(repository.find(jobs.get(2).id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            for (int i : new int[] {0, 1, 3}) {
                assertThat(repository.find(jobs.get(i).id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Jobs claimed by "w1". */
    private List<Job> runningJobs(int count) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = queuedUrlJob("https://example.com/" + i);
            repository.insert(job, null, null);
            repository.claim(job.id(), "w1", now, now.plusSeconds(30));
            jobs.add(job);
        }
        return jobs;
    }

    private static JobResults.SucceededAttempt attemptResult(UUID id, byte[] top) {
        return new JobResults.SucceededAttempt(id, "w1", 1, 3, 2, top, SOME_RESULT);
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    protected Job queuedUrlJob(String url) {
        return new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.url(url), null, 0, 1, now, now,
                null, null, null, null, "client-a");
    }

    private static byte[] deflate(byte[] raw) {
        var out = new java.io.ByteArrayOutputStream();
        try (var deflater = new java.util.zip.DeflaterOutputStream(out)) {
            deflater.write(raw);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
