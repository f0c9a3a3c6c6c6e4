package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.correlation.Origin;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Group commit of submissions on each real database: concurrent submissions are all stored,
 * exactly once each with one dispatch record (RabbitMQ outbox mode), committed before the caller
 * returns, together when they arrive during a commit; one bad submission fails alone; the
 * waiting queue is bounded; nobody waits forever.
 */
abstract class SubmissionCommitterContract {

    private final JobStoreContract store = store();
    private final ExecutorService callers = Executors.newFixedThreadPool(64);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** What the committers under test announced, in order. */
    private final List<Object> announced = new CopyOnWriteArrayList<>();
    private GatedDataSource gated;
    private SubmissionCommitter committer;

    /** The store whose fresh database each test uses. */
    protected abstract JobStoreContract store();

    @BeforeEach
    void freshDatabase() {
        store.migrate();
        gated = new GatedDataSource(store.database);
    }

    @AfterEach
    void stop() {
        gated.open();
        callers.shutdownNow();
        if (committer != null) {
            committer.stop();
        }
        store.drop();
    }

    @Test
    void storesManyConcurrentSubmissionsEachExactlyOnceWithOneDispatchRecord() throws Exception {
        start(2, 10_000, Duration.ofSeconds(30));
        List<Future<Job>> submitted = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            submitted.add(callers.submit(() -> submit(n % 2 == 0 ? textJob("client-a") : urlJob("client-a"))));
        }
        List<UUID> ids = new ArrayList<>();
        for (Future<Job> job : submitted) {
            ids.add(job.get().id());
        }

        assertThat(count("SELECT COUNT(*) FROM job")).isEqualTo(2_000);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM job")).isEqualTo(2_000);
        assertThat(count("SELECT COUNT(*) FROM job_text")).isEqualTo(1_000);
        assertThat(count("SELECT COUNT(*) FROM job_dispatch")).isEqualTo(2_000);
        assertThat(count("SELECT COUNT(DISTINCT job_id) FROM job_dispatch")).isEqualTo(2_000);
        for (UUID id : ids.subList(0, 50)) {
            assertThat(store.repository.find(id)).get().extracting(Job::status).isEqualTo(JobStatus.QUEUED);
        }
        assertThat(batches().count()).as("transactions").isLessThan(2_000);
    }

    @Test
    void aLoneSubmissionIsCommittedBeforeTheCallerReturns() {
        start(1, 100, Duration.ofSeconds(30));
        Job job = textJob("client-a");

        committer.commit(job, "some words".getBytes(StandardCharsets.UTF_8), null);

        // Read on another connection: only committed rows are visible there.
        Job stored = store.repository.find(job.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(new String(store.repository.text(job.id()).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("some words");
        assertThat(count("SELECT COUNT(*) FROM job_dispatch")).isEqualTo(1);
        assertThat(batches().count()).isEqualTo(1);
    }

    @Test
    void keepsTheIdAndTheSpanOfTheRequestThatSubmittedEachJob() {
        start(1, 100, Duration.ofSeconds(30));
        Job withId = textJob("client-a");
        Job withoutId = textJob("client-b");
        String span = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        committer.commit(withId, "words from a request".getBytes(StandardCharsets.UTF_8), new Origin("lb-5f0c2a4e", span));
        committer.commit(withoutId, "words from a tool".getBytes(StandardCharsets.UTF_8), null);

        assertThat(columnOf("request_id", withId.id())).isEqualTo("lb-5f0c2a4e");
        assertThat(columnOf("trace_parent", withId.id())).isEqualTo(span);
        assertThat(columnOf("request_id", withoutId.id())).isNull();
        assertThat(columnOf("trace_parent", withoutId.id())).isNull();
    }

    @Test
    void commitsSubmissionsThatArriveDuringACommitTogether() throws Exception {
        start(1, 100, Duration.ofSeconds(30));
        Future<Job> first = aCommitHeldAtTheStore();
        List<Future<Job>> during = twentySubmissionsWaitingBehindIt();

        gated.open();

        first.get();
        for (Future<Job> job : during) {
            assertThat(store.repository.find(job.get().id())).isPresent();
        }
        assertThat(batches().count()).as("transactions").isEqualTo(2);
        assertThat(batches().max()).isEqualTo(20);
    }

    @Test
    void announcesEachCommittedTransactionOnceWithItsJobCount() throws Exception {
        start(1, 100, Duration.ofSeconds(30));
        Future<Job> first = aCommitHeldAtTheStore();
        List<Future<Job>> during = twentySubmissionsWaitingBehindIt();
        assertThat(announced).as("nothing committed yet").isEmpty();

        gated.open();
        first.get();
        for (Future<Job> job : during) {
            job.get();
        }

        assertThat(announced).containsExactly(new JobsQueuedEvent(1), new JobsQueuedEvent(20));
    }

    @Test
    void boundsTheTextCommittedInOneTransaction() throws Exception {
        start(1, 100, Duration.ofSeconds(30));
        Future<Job> first = aCommitHeldAtTheStore();
        // Six texts of 400 KB: two fit under the bound, a third would pass it.
        byte[] text = "word ".repeat(80_000).getBytes(StandardCharsets.UTF_8);
        List<Future<Job>> large = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            large.add(callers.submit(() -> {
                Job job = textJob("client-b");
                committer.commit(job, text, null);
                return job;
            }));
        }
        await(() -> committer.pending() == 6);

        gated.open();

        first.get();
        for (Future<Job> job : large) {
            assertThat(store.repository.text(job.get().id())).get().extracting(stored -> stored.length).isEqualTo(text.length);
        }
        assertThat(batches().count()).as("transactions").isEqualTo(4);
        assertThat(batches().max()).isEqualTo(2);
    }

    @Test
    void aSubmissionTheStoreRefusesFailsAloneAndTheRestOfItsBatchIsStored() {
        start(1, 100, Duration.ofSeconds(30));
        List<SubmissionCommitter.Pending> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(taken(i == 4 ? urlJob("x".repeat(200)) : textJob("client-a")));
        }

        committer.write(batch);

        for (int i = 0; i < 10; i++) {
            SubmissionCommitter.Pending pending = batch.get(i);
            if (i == 4) {
                assertThat(pending.done).isCompletedExceptionally();
                assertThatThrownBy(pending.done::join).cause().isInstanceOf(DataAccessException.class);
                assertThat(store.repository.find(pending.row.job().id())).isEmpty();
            } else {
                assertThat(pending.done).isCompleted().isNotCompletedExceptionally();
                assertThat(store.repository.find(pending.row.job().id())).isPresent();
            }
        }
        assertThat(count("SELECT COUNT(*) FROM job_dispatch")).isEqualTo(9);
    }

    @Test
    void anUnreachableStoreFailsTheWholeBatchAtOnceWithTheStoreDownError() {
        start(1, 100, Duration.ofSeconds(30));
        List<SubmissionCommitter.Pending> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(taken(urlJob("client-a")));
        }
        gated.cut();

        committer.write(batch);

        for (SubmissionCommitter.Pending pending : batch) {
            assertThatThrownBy(pending.done::join).cause().isInstanceOf(CannotCreateTransactionException.class);
        }
        assertThat(batches().count()).as("no retries one by one").isEqualTo(1);
        assertThatThrownBy(() -> committer.commit(urlJob("client-a"), null, null))
                .isInstanceOf(CannotCreateTransactionException.class);
    }

    @Test
    void refusesSubmissionsBeyondThePendingBoundAsOverload() throws Exception {
        start(1, 5, Duration.ofSeconds(30));
        List<Future<Job>> accepted = new ArrayList<>();
        accepted.add(aCommitHeldAtTheStore());
        for (int i = 0; i < 5; i++) {
            accepted.add(callers.submit(() -> submit(urlJob("client-a"))));
        }
        await(() -> committer.pending() == 5);

        assertThatThrownBy(() -> committer.commit(urlJob("client-a"), null, null))
                .isInstanceOfSatisfying(AdmissionRefusedException.class, e -> assertThat(e.bound()).isEqualTo(AdmissionRefusedException.Bound.SERVICE));

        gated.open();
        for (Future<Job> job : accepted) {
            assertThat(store.repository.find(job.get().id())).isPresent();
        }
        assertThat(count("SELECT COUNT(*) FROM job")).isEqualTo(6);
    }

    @Test
    void aSubmissionNotTakenWithinTheCommitTimeoutIsWithdrawnAndNotStored() throws Exception {
        start(1, 100, Duration.ofMillis(300));
        Future<Job> inProgress = aCommitHeldAtTheStore();
        Job late = urlJob("client-a");

        assertThatThrownBy(() -> committer.commit(late, null, null))
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("not stored");

        gated.open();
        assertThat(store.repository.find(inProgress.get().id())).isPresent();
        assertThat(store.repository.find(late.id())).isEmpty();
        assertThat(committer.pending()).isZero();
    }

    @Test
    void theWatchdogKeepsAnsweringTimeoutsAfterAnErrorInOneOfItsRounds() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        committer = new SubmissionCommitter(inserts(), new DataSourceTransactionManager(gated),
                new SubmitProperties(256, 100, 1, Duration.ofMillis(300)), meters, announced::add) {
            @Override
            void expireOverdue() {
                if (rounds.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("the heap ran out during the watchdog's first round");
                }
                super.expireOverdue();
            }
        };
        committer.start();
        Future<Job> inProgress = aCommitHeldAtTheStore();
        Job late = urlJob("client-a");

        // Only the watchdog answers a submission nobody takes: had the Error ended it, this would wait for ever.
        Future<Job> answered = callers.submit(() -> submit(late));

        assertThatThrownBy(() -> answered.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("not stored");
        assertThat(rounds.get()).isGreaterThan(1);
        gated.open();
        assertThat(store.repository.find(inProgress.get().id())).isPresent();
    }

    @Test
    void aSubmissionItsWriterHoldsPastTwiceTheCommitTimeoutIsAnsweredThatItMayBeStored() throws Exception {
        start(1, 100, Duration.ofMillis(300));
        long start = System.nanoTime();
        Future<Job> held = aCommitHeldAtTheStore();

        assertThatThrownBy(held::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("may or may not be stored");
        // Twice the timeout and a second, and at most a tick (a quarter of the timeout) more.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(5000));

        gated.open();
        assertThat(committer.pending()).isZero();
    }

    @Test
    void aSubmissionItsWriterStillHoldsWhenTheCommitterStopsIsStillAnswered() throws Exception {
        start(1, 100, Duration.ofMillis(300));
        Future<Job> held = aCommitHeldAtTheStore();

        committer.stop(); // gives up on the writer after twice the timeout; the commit is still at the gate

        assertThatThrownBy(() -> held.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("may or may not be stored");
    }

    @Test
    void aSubmissionOfferedJustAsTheCommitterStopsIsWrittenByItsOwnCaller() throws Exception {
        committer = new SubmissionCommitter(inserts(), new DataSourceTransactionManager(gated),
                new SubmitProperties(256, 100, 1, Duration.ofMillis(300)), meters, announced::add) {
            @Override
            boolean enqueue(Pending pending) {
                // The committer stops after commit() saw it running and before the offer:
                // its writers and its watchdog may be gone by the time the submission is queued.
                stop();
                return super.enqueue(pending);
            }
        };
        committer.start();
        Job job = urlJob("client-a");

        Future<Job> accepted = callers.submit(() -> submit(job));

        assertThat(accepted.get(5, TimeUnit.SECONDS)).isEqualTo(job);
        assertThat(store.repository.find(job.id())).isPresent();
        assertThat(committer.pending()).isZero();
    }

    private void start(int writers, int maxPending, Duration commitTimeout) {
        committer = new SubmissionCommitter(inserts(), new DataSourceTransactionManager(gated),
                new SubmitProperties(256, maxPending, writers, commitTimeout), meters, announced::add);
        committer.start();
    }

    /** The job inserts of the committers under test, through the gated data source. */
    private JobBatchInserts inserts() {
        return new JobBatchInserts(new JdbcTemplate(gated), new JobRepository(store.jdbc, true));
    }

    /** Twenty text submissions, once all wait for the writer (busy with a held commit). */
    private List<Future<Job>> twentySubmissionsWaitingBehindIt() throws InterruptedException {
        List<Future<Job>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(callers.submit(() -> submit(textJob("client-b"))));
        }
        await(() -> committer.pending() == 20);
        return waiting;
    }

    /** Closes the store's gate and submits a URL job, whose commit then waits at the gate. */
    private Future<Job> aCommitHeldAtTheStore() throws InterruptedException {
        gated.close();
        Future<Job> held = callers.submit(() -> submit(urlJob("client-a")));
        await(() -> gated.waiting() == 1);
        return held;
    }

    private Job submit(Job job) {
        committer.commit(job, job.source().type() == JobSource.Type.TEXT ? "a b c".getBytes(StandardCharsets.UTF_8) : null, null);
        return job;
    }

    private SubmissionCommitter.Pending taken(Job job) {
        var pending = new SubmissionCommitter.Pending(new JobBatchInserts.Row(job, null, null));
        pending.take();
        return pending;
    }

    private DistributionSummary batches() {
        return meters.get("tally.submit.batch.size").summary();
    }

    private String columnOf(String column, UUID jobId) {
        return store.jdbc.sql("SELECT " + column + " FROM job WHERE id = :id").param("id", jobId)
                .query((rs, n) -> rs.getString(1)).list().get(0);
    }

    private long count(String sql) {
        return store.jdbc.sql(sql).query(Long.class).single();
    }

    private static Job urlJob(String owner) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.url("https://example.com/"), null, 0, 1, now, now,
                null, null, null, null, owner);
    }

    private static Job textJob(String owner) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Job(UUID.randomUUID(), JobStatus.QUEUED, JobSource.text(5), null, 0, 1, now, now,
                null, null, null, null, owner);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
