package dev.tally.job;

import dev.tally.correlation.Origin;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The job store. Every state change is a conditional update whose {@code WHERE status IN (...)}
 * comes from {@link JobTransition}, so the database, not the caller's memory, decides whether a
 * move is still allowed. Portable SQL: H2 and PostgreSQL.
 */
@Repository
class JobRepository {

    private static final String COLUMNS = """
            j.id, j.status, j.source_type, j.source_url, j.text_length, j.callback_url, j.attempts, j.version,
            j.created_at, j.updated_at, j.started_at, j.finished_at,
            j.error_code, j.error_message, j.error_retryable, j.error_http_status, j.owner,
            r.total_words, r.distinct_words, r.top_words""";

    private static final String FROM = " FROM job j LEFT JOIN job_result r ON r.job_id = j.id ";

    /** The job is held by this attempt: its node's lease, and no later claim since (parameters owner, attempt). */
    static final String HELD = "lease_owner = :owner AND attempts = :attempt";

    /**
     * Queued jobs due before {@code :before} with no pending dispatch record, oldest first: from the
     * due index, each checked against the outbox's job index (V10).
     */
    static final String STUCK = "SELECT j.id FROM job j WHERE j.status = 'QUEUED' AND j.next_attempt_at < :before"
            + " AND NOT EXISTS (SELECT 1 FROM job_dispatch d WHERE d.job_id = j.id)"
            + " ORDER BY j.next_attempt_at LIMIT :limit";

    private final JdbcClient jdbc;
    private final boolean outbox;
    /** Whether the store is PostgreSQL; asked at first need. */
    private volatile Boolean postgres;

    /**
     * @param outbox write a dispatch record with every change that puts a job in the queue
     *     (RabbitMQ mode); the local mode polls the job table instead
     */
    @Autowired
    JobRepository(JdbcClient jdbc, @Value("#{'${tally.queue:local}'.trim().equalsIgnoreCase('rabbitmq')}") boolean outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    JobRepository(JdbcClient jdbc) {
        this(jdbc, false);
    }

    @Transactional
    void insert(Job job, byte[] text, Origin origin) {
        Origin from = origin == null ? Origin.NONE : origin;
        jdbc.sql("""
                INSERT INTO job (id, status, source_type, source_url, text_length, callback_url, attempts, version,
                                 created_at, updated_at, next_attempt_at, owner, request_id, trace_parent)
                VALUES (:id, :status, :sourceType, :url, :length, :callback, 0, 1, :now, :now, :now, :owner, :requestId,
                        :traceParent)""")
                .param("owner", job.owner())
                .param("requestId", from.requestId())
                .param("traceParent", from.traceParent())
                .param("id", job.id())
                .param("status", job.status().name())
                .param("sourceType", job.source().type().name())
                .param("url", job.source().url())
                .param("length", job.source().length())
                .param("callback", job.callbackUrl())
                .param("now", ts(job.createdAt()))
                .update();
        if (text != null) {
            jdbc.sql("INSERT INTO job_text (job_id, content) VALUES (:id, :content)")
                    .param("id", job.id())
                    .param("content", text)
                    .update();
        }
        dispatch(job.id(), job.createdAt(), job.createdAt());
    }

    /** Records that the job must be (re)sent to the broker at {@code availableAt}; no-op when polling. */
    void dispatch(UUID id, Instant availableAt, Instant now) {
        if (!outbox) {
            return;
        }
        jdbc.sql("INSERT INTO job_dispatch (job_id, available_at, created_at) VALUES (:id, :at, :now)")
                .param("id", id)
                .param("at", ts(availableAt))
                .param("now", ts(now))
                .update();
    }

    boolean usesOutbox() {
        return outbox;
    }

    /**
     * Pending dispatch records that are due, locked for this transaction; others skip them.
     *
     * <p>On PostgreSQL the same statement has the server end this transaction's session if it
     * stays idle in it longer than {@code idleLimit} ({@code idle_in_transaction_session_timeout},
     * for this transaction only, so that a connection pooler's server connections keep their
     * settings): the caller holds the locks while it waits on something else, and if its process
     * stops (frozen, stopped by a signal, a machine paused) the locks go with the session instead
     * of staying until the process runs again. In one statement with the locks, there is no moment
     * at which they are held without the limit. Nothing on H2, whose store lives in the process.
     */
    List<DispatchRecord> lockDueDispatches(Instant now, int limit, Duration idleLimit) {
        String sql = postgres()
                ? "SELECT d.id, d.job_id FROM job_dispatch d,"
                        + " (SELECT set_config('idle_in_transaction_session_timeout', :ms, true)) idle_limit"
                        + " WHERE d.available_at <= :now ORDER BY d.available_at, d.id"
                        + " LIMIT :limit FOR UPDATE OF d SKIP LOCKED"
                : "SELECT id, job_id FROM job_dispatch WHERE available_at <= :now ORDER BY available_at, id"
                        + " LIMIT :limit FOR UPDATE SKIP LOCKED";
        var statement = jdbc.sql(sql).param("now", ts(now)).param("limit", limit);
        if (postgres()) {
            statement = statement.param("ms", Long.toString(Math.max(1, idleLimit.toMillis())));
        }
        return statement.query((rs, n) -> new DispatchRecord(rs.getLong(1), rs.getObject(2, UUID.class))).list();
    }

    private boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            known = "PostgreSQL".equals(jdbc.sql("SELECT 1").query((ResultSet rs) ->
                    rs.getStatement().getConnection().getMetaData().getDatabaseProductName()));
            postgres = known;
        }
        return known;
    }

    void deleteDispatches(List<Long> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql("DELETE FROM job_dispatch WHERE id IN (:ids)").param("ids", PaddedIds.padded(ids)).update();
        }
    }

    /**
     * Gives each of the named jobs a new dispatch record, if it is still QUEUED and has none
     * pending: for jobs whose message a worker had to let go of, or was lost. Pushing
     * next_attempt_at forward keeps a job from being found stuck again at once; a job claimed,
     * cancelled or dispatched meanwhile needs no message.
     *
     * <p>A record a relay has locked is not judged: the relay publishes before it deletes the
     * record and commits, so a worker can get the message, fail to claim the job and hand it back
     * while the record still stands, deleted but uncommitted; judged then, the job kept neither
     * record nor message once the relay committed. Such jobs come back as in flight.
     */
    @Transactional
    Redispatched redispatch(List<UUID> ids, Instant now) {
        List<UUID> sent = new ArrayList<>(ids.size());
        List<UUID> inFlight = new ArrayList<>();
        for (UUID id : ids) {
            boolean pending = !jdbc.sql("SELECT id FROM job_dispatch WHERE job_id = :id FOR UPDATE SKIP LOCKED")
                    .param("id", id)
                    .query(Long.class)
                    .list()
                    .isEmpty();
            if (pending) {
                continue; // a record no relay is sending: it will be
            }
            int changed = jdbc.sql("UPDATE job SET next_attempt_at = :now WHERE id = :id AND " + statusById(JobStatus.QUEUED)
                            + " AND NOT EXISTS (SELECT 1 FROM job_dispatch d WHERE d.job_id = :id)")
                    .param("now", ts(now))
                    .param("id", id)
                    .update();
            if (changed == 1) {
                dispatch(id, now, now);
                sent.add(id);
            } else if (jdbc.sql("SELECT COUNT(*) FROM job WHERE id = :id AND " + statusById(JobStatus.QUEUED))
                    .param("id", id)
                    .query(Long.class)
                    .single() > 0) {
                // Still queued, no record this transaction could lock, and the update saw one: a
                // relay holds it. Not asked whether the record still stands: the relay may have
                // committed since the update, and then the job has neither record nor message.
                inFlight.add(id);
            }
        }
        return new Redispatched(sent, inFlight);
    }

    /**
     * Queued jobs that were due long ago and have no pending dispatch record: their message was
     * lost (purged queue, broker failure). Gives each a new record and returns their ids.
     */
    @Transactional
    List<UUID> redispatchStuck(Instant dueBefore, Instant now, int limit) {
        List<UUID> ids = jdbc.sql(STUCK)
                .param("before", ts(dueBefore))
                .param("limit", limit)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
        return redispatch(ids, now).sent(); // one in flight is looked at again at the next pass
    }

    /** The span of the request that submitted the job (W3C traceparent), if it kept one. */
    Optional<String> traceParentOf(UUID id) {
        return jdbc.sql("SELECT trace_parent FROM job WHERE id = :id AND trace_parent IS NOT NULL")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    Optional<Job> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + "WHERE j.id = :id")
                .param("id", id)
                .query(JobRepository::mapJob)
                .optional();
    }

    /** The job if {@code owner}'s: an index probe as {@link #find}'s, the owner compared in the store. */
    Optional<Job> findOwned(UUID id, String owner) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + "WHERE j.id = :id AND j.owner = :owner")
                .param("id", id).param("owner", owner)
                .query(JobRepository::mapJob)
                .optional();
    }

    /** Newest first; {@code after} is the last job of the previous page, or null. */
    List<Job> list(String owner, JobStatus status, ListCursor after, int limit) {
        var statement = jdbc.sql(listQuery(status != null, after != null)).param("limit", limit).param("owner", owner);
        if (status != null) {
            statement = statement.param("status", status.name());
        }
        if (after != null) {
            statement = statement.param("afterTime", ts(after.createdAt())).param("afterId", after.id());
        }
        return statement.query(JobRepository::mapJob).list();
    }

    /** The listing query; parameters :owner, :limit and, as asked for, :status, :afterTime and :afterId. */
    static String listQuery(boolean byStatus, boolean afterCursor) {
        var sql = new StringBuilder("SELECT ").append(COLUMNS).append(FROM).append("WHERE j.owner = :owner");
        if (byStatus) {
            sql.append(" AND j.status = :status");
        }
        if (afterCursor) {
            sql.append(" AND (j.created_at < :afterTime OR (j.created_at = :afterTime AND j.id < :afterId))");
        }
        // The equality columns lead the ORDER BY (it changes nothing) so that H2, like PostgreSQL, reads
        // the page from the owner's index in order (V7) rather than sorting all of the owner's jobs.
        return sql.append(byStatus ? " ORDER BY j.owner, j.status," : " ORDER BY j.owner,")
                .append(" j.created_at DESC, j.id DESC LIMIT :limit").toString();
    }

    /** The stored size of {@link #histogram}, in bytes, read without the data. */
    Optional<Long> histogramSize(UUID id) {
        return jdbc.sql("SELECT COALESCE(OCTET_LENGTH(h.data), OCTET_LENGTH(r.top_words)) FROM job_result r"
                        + " LEFT JOIN job_histogram h ON h.job_id = r.job_id WHERE r.job_id = :id")
                .param("id", id)
                .query((rs, n) -> rs.getLong(1))
                .optional();
    }

    /**
     * The stored full histogram of a succeeded job: its own row, or the top words when they hold
     * every word (such a result stores no separate histogram row); empty if the job has no result.
     */
    Optional<byte[]> histogram(UUID id) {
        return jdbc.sql("SELECT COALESCE(h.data, r.top_words) FROM job_result r"
                        + " LEFT JOIN job_histogram h ON h.job_id = r.job_id WHERE r.job_id = :id")
                .param("id", id)
                .query((rs, n) -> rs.getBytes(1))
                .optional();
    }

    Optional<byte[]> text(UUID id) {
        return jdbc.sql("SELECT content FROM job_text WHERE job_id = :id")
                .param("id", id)
                .query((rs, n) -> rs.getBytes(1))
                .optional();
    }

    /**
     * Unfinished jobs, of one owner or (null) of all, counted up to {@code atMost}: admission
     * control only needs to know whether a limit is reached, and a count that stops there reads
     * at most the limit's worth of index entries per status, however long the backlog.
     */
    long countActive(String owner, long atMost) {
        // One bounded count per status rather than one over status IN (...): on H2 the IN's rows
        // cost 1.5-3 us each past ~30,000 (100,000 in 197-310 ms), per status 69-169 ms
        // (benchmarks.md); admission control counts every second when the backlog is near its limit.
        String ownerClause = owner == null ? "" : " AND owner = :owner";
        String sql = "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM job WHERE status = 'QUEUED'" + ownerClause
                + " LIMIT :atMost) queued) + (SELECT COUNT(*) FROM (SELECT 1 FROM job WHERE status = 'RUNNING'"
                + ownerClause + " LIMIT :atMost) running)";
        var statement = jdbc.sql(sql).param("atMost", atMost);
        if (owner != null) {
            statement = statement.param("owner", owner);
        }
        return Math.min(atMost, statement.query(Long.class).single());
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM job WHERE id = :id").param("id", id).update() == 1;
    }

    @Transactional
    boolean cancel(UUID id, Instant now) {
        int changed = jdbc.sql("UPDATE job SET status = :target, finished_at = :now, updated_at = :now, version = version + 1,"
                        + " lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL"
                        + " WHERE id = :id AND " + allowedFromById(JobTransition.CANCEL))
                .param("target", JobTransition.CANCEL.target().name())
                .param("now", ts(now))
                .param("id", id)
                .update();
        if (changed == 1) {
            deleteText(id);
            recordWebhook(id, JobStatus.CANCELLED, now);
        }
        return changed == 1;
    }

    boolean claim(UUID id, String owner, Instant now, Instant leaseUntil) {
        return jdbc.sql("UPDATE job SET status = :target, attempts = attempts + 1, version = version + 1,"
                        + " lease_owner = :owner, lease_expires_at = :lease, next_attempt_at = NULL,"
                        + " started_at = COALESCE(started_at, :now), updated_at = :now"
                        + " WHERE id = :id AND " + allowedFromById(JobTransition.CLAIM))
                .param("target", JobTransition.CLAIM.target().name())
                .param("owner", owner)
                .param("lease", ts(leaseUntil))
                .param("now", ts(now))
                .param("id", id)
                .update() == 1;
    }

    /**
     * Extends a lease; false when the job is no longer this attempt's running job. Every write of
     * an attempt is conditional on its owner and its number: a lease is a node's, and a node whose
     * attempt's lease lapsed may claim the job again, the stale attempt still running.
     */
    boolean extendLease(UUID id, String owner, int attempt, Instant leaseUntil) {
        return jdbc.sql("UPDATE job SET lease_expires_at = :lease WHERE id = :id AND " + statusById(JobStatus.RUNNING)
                        + " AND " + HELD)
                .param("lease", ts(leaseUntil))
                .param("id", id)
                .param("owner", owner)
                .param("attempt", attempt)
                .update() == 1;
    }

    @Transactional
    boolean succeed(UUID id, String owner, int attempt, Instant now, long totalWords, int distinctWords, byte[] top,
                    byte[] histogram) {
        if (!finishRunning(id, owner, attempt, JobTransition.SUCCEED, now, null)) {
            return false;
        }
        jdbc.sql("INSERT INTO job_result (job_id, total_words, distinct_words, top_words) VALUES (:id, :total, :distinct, :top)")
                .param("id", id)
                .param("total", totalWords)
                .param("distinct", distinctWords)
                .param("top", top)
                .update();
        if (histogram != null) {
            jdbc.sql("INSERT INTO job_histogram (job_id, data) VALUES (:id, :data)")
                    .param("id", id)
                    .param("data", histogram)
                    .update();
        }
        deleteText(id);
        recordWebhook(id, JobStatus.SUCCEEDED, now);
        return true;
    }

    @Transactional
    boolean fail(UUID id, String owner, int attempt, Instant now, JobError error) {
        if (!finishRunning(id, owner, attempt, JobTransition.FAIL, now, error)) {
            return false;
        }
        deleteText(id);
        recordWebhook(id, JobStatus.FAILED, now);
        return true;
    }

    @Transactional
    boolean retry(UUID id, String owner, int attempt, Instant now, Instant nextAttempt) {
        return requeue(id, owner, attempt, now, nextAttempt, JobTransition.RETRY, false);
    }

    /** Like {@link #retry}, but the attempt does not count (it never started). */
    @Transactional
    boolean defer(UUID id, String owner, int attempt, Instant now, Instant nextAttempt) {
        return requeue(id, owner, attempt, now, nextAttempt, JobTransition.RETRY, true);
    }

    /** Hands one running job of this owner back to the queue (shutdown, interrupted attempt). */
    @Transactional
    boolean release(UUID id, String owner, int attempt, Instant now) {
        return requeue(id, owner, attempt, now, now, JobTransition.RELEASE, false);
    }

    /** RUNNING (this owner's) back to QUEUED, due at {@code nextAttempt}, with its dispatch record. */
    private boolean requeue(UUID id, String owner, int attempt, Instant now, Instant nextAttempt, JobTransition transition,
                            boolean uncountAttempt) {
        boolean changed = jdbc.sql("UPDATE job SET status = :target, version = version + 1, updated_at = :now,"
                        + (uncountAttempt ? " attempts = attempts - 1," : "")
                        + " lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = :next"
                        + " WHERE id = :id AND " + HELD + " AND " + allowedFromById(transition))
                .param("target", transition.target().name())
                .param("now", ts(now))
                .param("next", ts(nextAttempt))
                .param("id", id)
                .param("owner", owner)
                .param("attempt", attempt)
                .update() == 1;
        if (changed) {
            dispatch(id, nextAttempt, now);
        }
        return changed;
    }

    /**
     * Running jobs whose lease ran out (their worker died or hung): back to the queue, or failed
     * when they already used every attempt, so a job that kills its workers cannot loop forever.
     * With {@code everyOtherOwner}, leases of every other owner count as expired (embedded store:
     * only this process can be working on it).
     *
     * @return the ids of the jobs released, and of those failed
     */
    @Transactional
    AbandonedJobs releaseAbandoned(Instant now, String self, boolean everyOtherOwner, int maxAttempts) {
        String abandoned = everyOtherOwner
                ? "(lease_owner IS NULL OR lease_owner <> :self)"
                : "(lease_expires_at IS NULL OR lease_expires_at < :now)";
        List<UUID> exhausted = jdbc.sql("SELECT id FROM job WHERE " + allowedFrom(JobTransition.FAIL)
                        + " AND attempts >= :max AND " + abandoned)
                .param("now", ts(now))
                .param("self", self)
                .param("max", maxAttempts)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
        List<UUID> failedIds = new java.util.ArrayList<>();
        for (UUID id : exhausted) {
            int failed = jdbc.sql("UPDATE job SET status = 'FAILED', version = version + 1, updated_at = :now, finished_at = :now,"
                            + " lease_owner = NULL, lease_expires_at = NULL, error_code = 'INTERNAL',"
                            + " error_message = 'the worker processing this job stopped on every attempt', error_retryable = FALSE"
                            + " WHERE id = :id AND " + allowedFromById(JobTransition.FAIL) + " AND attempts >= :max AND " + abandoned)
                    .param("now", ts(now))
                    .param("self", self)
                    .param("max", maxAttempts)
                    .param("id", id)
                    .update();
            if (failed == 1) {
                deleteText(id);
                recordWebhook(id, JobStatus.FAILED, now);
                failedIds.add(id);
            }
        }
        List<UUID> ids = jdbc.sql("SELECT id FROM job WHERE " + allowedFrom(JobTransition.RELEASE) + " AND " + abandoned)
                .param("now", ts(now))
                .param("self", self)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
        List<UUID> released = new java.util.ArrayList<>();
        for (UUID id : ids) {
            int changed = jdbc.sql("UPDATE job SET status = :target, version = version + 1, updated_at = :now,"
                            + " lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = :now"
                            + " WHERE id = :id AND " + allowedFromById(JobTransition.RELEASE) + " AND " + abandoned)
                    .param("target", JobTransition.RELEASE.target().name())
                    .param("now", ts(now))
                    .param("self", self)
                    .param("id", id)
                    .update();
            if (changed == 1) {
                dispatch(id, now, now);
                released.add(id);
            }
        }
        return new AbandonedJobs(released, failedIds);
    }

    /** Deletes up to {@code limit} terminal jobs that finished before {@code cutoff}. @return their ids */
    List<UUID> deleteFinishedBefore(Instant cutoff, int limit) {
        List<UUID> ids = jdbc.sql("SELECT id FROM job WHERE finished_at < :cutoff"
                        + " AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') ORDER BY finished_at LIMIT :limit")
                .param("cutoff", ts(cutoff))
                .param("limit", limit)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
        if (!ids.isEmpty()) {
            jdbc.sql("DELETE FROM job WHERE id IN (:ids)").param("ids", PaddedIds.padded(ids)).update();
        }
        return ids;
    }

    private boolean finishRunning(UUID id, String owner, int attempt, JobTransition transition, Instant now, JobError error) {
        return jdbc.sql("UPDATE job SET status = :target, version = version + 1, updated_at = :now, finished_at = :now,"
                        + " lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL,"
                        + " error_code = :code, error_message = :message, error_retryable = :retryable, error_http_status = :http"
                        + " WHERE id = :id AND " + HELD + " AND " + allowedFromById(transition))
                .param("target", transition.target().name())
                .param("now", ts(now))
                .param("code", error == null ? null : error.code().name())
                .param("message", error == null ? null : truncate(error.message(), 1000))
                .param("retryable", error == null ? null : error.retryable())
                .param("http", error == null ? null : error.httpStatus())
                .param("id", id)
                .param("owner", owner)
                .param("attempt", attempt)
                .update() == 1;
    }

    /**
     * The webhook outbox: a delivery record for a job that asked for a callback, written in the
     * same transaction as its terminal transition so no completion goes unannounced.
     */
    void recordWebhook(UUID id, JobStatus terminal, Instant now) {
        jdbc.sql("INSERT INTO webhook_delivery (id, job_id, event, url, status, attempts, next_attempt_at, created_at)"
                        + " SELECT :delivery, j.id, :event, j.callback_url, 'PENDING', 0, :now, :now FROM job j"
                        + " WHERE j.id = :id AND j.callback_url IS NOT NULL")
                .param("delivery", UUID.randomUUID())
                .param("event", "job." + terminal.name().toLowerCase(java.util.Locale.ROOT))
                .param("now", ts(now))
                .param("id", id)
                .update();
    }

    private void deleteText(UUID id) {
        jdbc.sql("DELETE FROM job_text WHERE job_id = :id").param("id", id).update();
    }

    /** The status test of {@code transition}, for statements that look jobs up by their status. */
    static String allowedFrom(JobTransition transition) {
        return transition.sources().stream()
                .map(s -> "'" + s.name() + "'")
                .collect(Collectors.joining(", ", "status IN (", ")"));
    }

    /**
     * The status test of {@code transition} for a statement that names its jobs by id: the same
     * test, written as a filter that no index can serve. With a plain status test, PostgreSQL may
     * plan the statement on the status index ({@code job_due_idx}) instead of the primary key: when
     * its statistics were taken while no job had that status (an empty queue, the usual state
     * between bursts), both paths are estimated at one row and tie, and the status index then reads
     * every job of that status to find one, the whole backlog for each claim (measured: claims
     * starved under submit load, 213,000 status index scans reading 6.8 million entries in 10 s).
     * An {@code IS TRUE} test is checked on the one row the primary key finds.
     */
    static String allowedFromById(JobTransition transition) {
        return "(" + allowedFrom(transition) + ") IS TRUE";
    }

    /** {@code status = 'X'} for a statement that names its jobs by id; see {@link #allowedFromById}. */
    static String statusById(JobStatus status) {
        return statusById("status", status);
    }

    /** {@link #statusById(JobStatus)} for a status column named otherwise (a table alias's). */
    static String statusById(String column, JobStatus status) {
        return "(" + column + " = '" + status.name() + "') IS TRUE";
    }

    private static Job mapJob(ResultSet rs, int row) throws SQLException {
        var status = JobStatus.valueOf(rs.getString("status"));
        var type = JobSource.Type.valueOf(rs.getString("source_type"));
        var source = type == JobSource.Type.URL
                ? JobSource.url(rs.getString("source_url"))
                : JobSource.text(rs.getInt("text_length"));
        JobError error = null;
        String code = rs.getString("error_code");
        if (code != null && status == JobStatus.FAILED) {
            error = new JobError(ErrorCode.valueOf(code), rs.getString("error_message"),
                    rs.getBoolean("error_retryable"), rs.getObject("error_http_status", Integer.class));
        }
        JobSummary summary = null;
        byte[] top = rs.getBytes("top_words");
        if (top != null && status == JobStatus.SUCCEEDED) {
            summary = new JobSummary(rs.getLong("total_words"), rs.getInt("distinct_words"),
                    HistogramCodec.decode(top, 0, Integer.MAX_VALUE));
        }
        return new Job(
                rs.getObject("id", UUID.class), status, source, rs.getString("callback_url"),
                rs.getInt("attempts"), rs.getLong("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"),
                summary, error, rs.getString("owner"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** Running jobs whose workers were found dead: handed back to the queue, or failed (no attempt left). */
    record AbandonedJobs(List<UUID> released, List<UUID> failed) {
    }
}
