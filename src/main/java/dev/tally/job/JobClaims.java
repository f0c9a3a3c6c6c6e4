package dev.tally.job;

import static dev.tally.job.JobRepository.allowedFromById;
import static dev.tally.job.JobRepository.statusById;
import static dev.tally.job.JobRepository.ts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims many jobs with a few statements (the CLAIM transition, conditional on QUEUED as ever),
 * and reads back what was claimed in one query. Portable SQL: H2 and PostgreSQL.
 */
@Repository
class JobClaims {

    private static final String CLAIM_SET = "UPDATE job SET status = '" + JobTransition.CLAIM.target().name() + "',"
            + " attempts = attempts + 1, version = version + 1,"
            + " lease_owner = :owner, lease_expires_at = :lease, next_attempt_at = NULL,"
            + " started_at = COALESCE(started_at, :now), updated_at = :now";

    /** The claim of one job named by id (a message's), one of a JDBC batch. */
    static final String CLAIM_BY_ID = CLAIM_SET + " WHERE id = :id AND " + allowedFromById(JobTransition.CLAIM);

    /**
     * Submitted texts of up to this many chars come with their claim, so that a worker needs no
     * query of its own to read them: a batch of claims carries at most this many chars' worth of
     * UTF-8 per job (up to three bytes a char), far below what the heap budget reserves for.
     */
    static final int TEXT_WITH_CLAIM_CHARS = 16 * 1024;

    /**
     * The jobs of a claim, read back by the lease the claim gave them, each with its submitted text
     * when that is short (a text job's text_length is never null) and the id and span of the
     * request that submitted it, for the worker's log lines and spans.
     */
    static final String READ_BACK = "SELECT j.id, j.source_type, j.source_url, j.text_length, j.attempts, j.request_id,"
            + " j.trace_parent, t.content"
            + " FROM job j LEFT JOIN job_text t ON t.job_id = j.id AND j.text_length <= " + TEXT_WITH_CLAIM_CHARS
            + " WHERE j.id IN (:ids) AND " + statusById("j.status", JobStatus.RUNNING)
            + " AND j.lease_owner = :owner AND j.lease_expires_at = :lease";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private volatile String dueQuery;

    JobClaims(NamedParameterJdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Claims up to {@code limit} due queued jobs, oldest due first, in one transaction: the due
     * rows are read in index order (on PostgreSQL locked with {@code FOR UPDATE SKIP LOCKED}, so
     * processes claiming at once each get rows of their own; see {@link #dueQuery(boolean)}),
     * updated with one statement and read back with one query.
     */
    List<ClaimedJob> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        return transactions.execute(status -> lockAndClaimDue(owner, now, leaseUntil, limit));
    }

    private List<ClaimedJob> lockAndClaimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        // No range condition in SQL: the first rows in due order are the due ones, and the rest are
        // skipped here; a range condition would keep H2 from reading the index in order.
        List<UUID> due = new ArrayList<>(limit);
        jdbc.query(dueQuery(), new MapSqlParameterSource("limit", limit),
                rs -> {
                    OffsetDateTime next = rs.getObject(2, OffsetDateTime.class);
                    if (next != null && !next.toInstant().isAfter(now)) {
                        due.add(rs.getObject(1, UUID.class));
                    }
                });
        if (due.isEmpty()) {
            return List.of();
        }
        var params = claimParams(owner, now, leaseUntil).addValue("ids", PaddedIds.padded(due));
        jdbc.update(CLAIM_SET + " WHERE id IN (:ids) AND " + allowedFromById(JobTransition.CLAIM), params);
        return readBack(params, due);
    }

    /**
     * Claims the named jobs, each only if it is still QUEUED, in one transaction (one JDBC batch
     * of conditional updates, in id order so that concurrent batches cannot deadlock).
     *
     * @return per request, in order, the claimed job or empty (not queued, gone, or claimed elsewhere)
     */
    List<Optional<ClaimedJob>> claimNamed(List<ClaimRequest> requests, Instant now) {
        return transactions.execute(status -> claimNamedInTransaction(requests, now));
    }

    private List<Optional<ClaimedJob>> claimNamedInTransaction(List<ClaimRequest> requests, Instant now) {
        List<Integer> inIdOrder = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            inIdOrder.add(i);
        }
        inIdOrder.sort(Comparator.comparing(i -> requests.get(i).id()));
        SqlParameterSource[] batch = inIdOrder.stream()
                .map(requests::get)
                .map(r -> claimParams(r.owner(), now, now.plus(r.lease())).addValue("id", r.id()))
                .toArray(SqlParameterSource[]::new);
        int[] counts = jdbc.batchUpdate(CLAIM_BY_ID, batch);
        // Read back per owner and lease (in practice one group: the process's consumer).
        boolean[] won = new boolean[requests.size()];
        Map<List<Object>, List<UUID>> claimedByLease = new LinkedHashMap<>();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] != 0) {
                int i = inIdOrder.get(k);
                won[i] = true;
                ClaimRequest r = requests.get(i);
                claimedByLease.computeIfAbsent(List.of(r.owner(), r.lease()), key -> new ArrayList<>()).add(r.id());
            }
        }
        Map<UUID, ClaimedJob> claimed = new HashMap<>();
        claimedByLease.forEach((lease, ids) -> readBack(
                claimParams((String) lease.get(0), now, now.plus((Duration) lease.get(1))), ids)
                .forEach(j -> claimed.put(j.id(), j)));
        List<Optional<ClaimedJob>> outcomes = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            outcomes.add(won[i] ? Optional.ofNullable(claimed.get(requests.get(i).id())) : Optional.empty());
        }
        return outcomes;
    }

    private List<ClaimedJob> readBack(MapSqlParameterSource params, List<UUID> ids) {
        String owner = (String) params.getValue("owner");
        return jdbc.query(READ_BACK, params.addValue("ids", PaddedIds.padded(ids)), (rs, n) -> {
            var type = JobSource.Type.valueOf(rs.getString("source_type"));
            var source = type == JobSource.Type.URL
                    ? JobSource.url(rs.getString("source_url"))
                    : JobSource.text(rs.getInt("text_length"));
            return new ClaimedJob(rs.getObject("id", UUID.class), source, rs.getInt("attempts"), owner,
                    rs.getBytes("content"), rs.getString("request_id"), rs.getString("trace_parent"));
        });
    }

    private static MapSqlParameterSource claimParams(String owner, Instant now, Instant leaseUntil) {
        return new MapSqlParameterSource()
                .addValue("owner", owner)
                .addValue("lease", ts(leaseUntil))
                .addValue("now", ts(now));
    }

    /** One job named by a message, to be claimed for {@code owner} under a lease of {@code lease}. */
    record ClaimRequest(UUID id, String owner, Duration lease) {
    }

    /** The due-jobs query for this store, chosen at first use. */
    private String dueQuery() {
        String query = dueQuery;
        if (query == null) {
            String product = jdbc.getJdbcTemplate().execute(
                    (ConnectionCallback<String>) connection -> connection.getMetaData().getDatabaseProductName());
            query = dueQuery(!"H2".equals(product));
            dueQuery = query;
        }
        return query;
    }

    /**
     * The oldest due queued jobs, read from the due index in order: the ORDER BY starts with the
     * index's equality column because H2 uses an index for ORDER BY only when the ORDER BY starts
     * with its columns. {@code locking}: with {@code FOR UPDATE SKIP LOCKED}, so that processes
     * claiming at once from one PostgreSQL each get rows of their own. Not on H2: there it locks
     * every queued row it reads and sorts them all (seconds per claim behind a 200,000-job backlog).
     * Without the lock, claimers that race (several pool threads, or processes on an H2 server)
     * read the same rows, but the conditional claim update and the lease read-back still give each
     * job to one of them; the others just get fewer jobs from that claim.
     */
    static String dueQuery(boolean locking) {
        return "SELECT id, next_attempt_at FROM job WHERE status = 'QUEUED' ORDER BY status, next_attempt_at"
                + " LIMIT :limit" + (locking ? " FOR UPDATE SKIP LOCKED" : "");
    }
}
