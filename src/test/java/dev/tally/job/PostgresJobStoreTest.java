package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.support.Infrastructure;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The same store contract on the real local PostgreSQL (database {@code test}), each test in a
 * schema of its own. Set TALLY_TEST_POSTGRES_URL to point elsewhere.
 */
class PostgresJobStoreTest extends JobStoreContract {

    private String schema;
    private PGSimpleDataSource dataSource;

    @Override
    protected DataSource freshDataSource(String schema) {
        this.schema = schema;
        dataSource = Infrastructure.postgresDataSource(schema);
        return dataSource;
    }

    @Override
    protected void dropDataSource() {
        jdbc.sql("DROP SCHEMA " + schema + " CASCADE").update();
    }

    @Override
    protected boolean isolatesBySchema() {
        return true;
    }

    /**
     * A relay holds its records locked while it publishes; other relays skip them. A process stopped
     * mid-publish (frozen, SIGSTOP) held them, and its jobs waited, for as long as it was stopped.
     */
    @Test
    void releasesTheRecordsOfARelayStoppedMidPublishOnceItsPublishLimitPassed() throws Exception {
        var outbox = new JobRepository(jdbc, true);
        Job job = queuedUrlJob("https://example.com/relay-stopped-mid-publish");
        outbox.insert(job, null, null);
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
        var clock = Clock.fixed(now.plusSeconds(1), ZoneOffset.UTC);
        CountDownLatch publishing = new CountDownLatch(1);
        CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() ->
                new JobDispatches(outbox, transactions, clock).relayDue(10, Duration.ofMillis(500), records -> {
                    publishing.countDown();
                    Thread.sleep(6_000);
                }));
        assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();

        List<UUID> published = new ArrayList<>();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (published.isEmpty() && System.nanoTime() < giveUp) {
            new JobDispatches(outbox, transactions, clock).relayDue(10, Duration.ofSeconds(30),
                    records -> records.forEach(record -> published.add(record.jobId())));
            Thread.sleep(50);
        }

        assertThat(published).as("relayed by another relay while the first was stopped").containsExactly(job.id());
        assertThat(dispatchIdsOf(job.id())).isEmpty();
        assertThatThrownBy(stopped::join).as("the stopped relay's session was ended").hasRootCauseInstanceOf(SQLException.class);
    }

    @Test
    void changesJobsNamedByIdThroughThePrimaryKeyWhenTheStatisticsSawNoQueue() {
        // Statistics taken while every job had finished (the queue empty, as between bursts), then
        // a burst of queued jobs: a plain status test tied with the id lookup at one estimated row,
        // and PostgreSQL read the whole backlog from the status index for each claim.
        jdbc.sql("INSERT INTO job (id, status, source_type, source_url, attempts, version, created_at, updated_at, finished_at)"
                + " SELECT gen_random_uuid(), 'SUCCEEDED', 'URL', 'https://example.com/page/' || n, 1, 3, now(), now(), now()"
                + " FROM generate_series(1, 20000) n").update();
        jdbc.sql("ANALYZE job").update();
        jdbc.sql("INSERT INTO job (id, status, source_type, source_url, attempts, version, created_at, updated_at, next_attempt_at)"
                + " SELECT gen_random_uuid(), 'QUEUED', 'URL', 'https://example.com/burst/' || n, 0, 1, now(), now(), now()"
                + " FROM generate_series(1, 5000) n").update();
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID());

        String claim = plan(jdbc.sql("EXPLAIN " + JobClaims.CLAIM_BY_ID)
                .param("owner", "worker-1").param("lease", now).param("now", now).param("id", ids.get(0)));
        String readBack = plan(jdbc.sql("EXPLAIN " + JobClaims.READ_BACK)
                .param("ids", ids).param("owner", "worker-1").param("lease", now));
        String succeed = plan(jdbc.sql("EXPLAIN " + JobResults.SUCCEED)
                .param("now", now).param("id", ids.get(0)).param("owner", "worker-1").param("attempt", 1));

        assertThat(List.of(claim, readBack, succeed)).allSatisfy(plan -> assertThat(plan)
                .contains("job_pkey")
                .doesNotContain("job_due_idx"));
    }

    @Test
    void readsBackAClaimsShortTextsThroughTheTextsPrimaryKeyWhenTheStatisticsSawNoTexts() {
        // Statistics taken while no text waited, then a burst of text jobs: the read-back must
        // still look each claimed job's text up, not read every waiting text.
        jdbc.sql("ANALYZE job_text").update();
        jdbc.sql("ANALYZE job").update();
        jdbc.sql("INSERT INTO job (id, status, source_type, text_length, attempts, version, created_at, updated_at, next_attempt_at)"
                + " SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, 'QUEUED', 'TEXT', 20, 0, 1, now(), now(), now()"
                + " FROM generate_series(1, 20000) n").update();
        jdbc.sql("INSERT INTO job_text (job_id, content)"
                + " SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, convert_to('words waiting ' || n, 'UTF8')"
                + " FROM generate_series(1, 20000) n").update();

        String readBack = plan(jdbc.sql("EXPLAIN " + JobClaims.READ_BACK)
                .param("ids", PaddedIds.padded(List.of(UUID.randomUUID(), UUID.randomUUID())))
                .param("owner", "worker-1").param("lease", OffsetDateTime.now(ZoneOffset.UTC)));

        assertThat(readBack).as(readBack).contains("job_text_pkey").doesNotContain("Seq Scan on job_text");
    }

    private static String plan(org.springframework.jdbc.core.simple.JdbcClient.StatementSpec explain) {
        return String.join("\n", explain.query(String.class).list());
    }

    @Test
    void findsStuckJobsThroughTheOutboxsJobIndexInsteadOfReadingTheOutboxPerJob() {
        // Statistics taken while the outbox was empty, then a broker outage: thousands of queued jobs
        // due long ago, each with its dispatch record still waiting. Without the job index the
        // search read the whole outbox once per queued job (56 s for 30,000).
        jdbc.sql("ANALYZE job_dispatch").update();
        jdbc.sql("INSERT INTO job (id, status, source_type, source_url, attempts, version, created_at, updated_at, next_attempt_at)"
                + " SELECT gen_random_uuid(), 'QUEUED', 'URL', 'https://example.com/outage/' || n, 0, 1,"
                + " now() - interval '10 minutes', now(), now() - interval '10 minutes' FROM generate_series(1, 5000) n").update();
        jdbc.sql("INSERT INTO job_dispatch (job_id, available_at, created_at) SELECT id, now(), now() FROM job").update();

        String plan = plan(jdbc.sql("EXPLAIN " + JobRepository.STUCK)
                .param("before", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5)).param("limit", 500));

        assertThat(plan).contains("job_dispatch_job_idx").doesNotContain("Seq Scan on job_dispatch");
    }
}
