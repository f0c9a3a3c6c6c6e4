package dev.tally.job;

import static dev.tally.job.JobRepository.allowedFromById;
import static dev.tally.job.JobRepository.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores the results of many succeeded attempts in one transaction, with JDBC batches: the
 * SUCCEED transition (conditional on the attempt's lease, as for a single result), then the
 * result rows, the removal of submitted text and the webhook outbox records of the jobs that
 * moved. A job cancelled, deleted or taken over meanwhile keeps its state and gets no result.
 * Portable SQL: H2 and PostgreSQL.
 */
@Repository
class JobResults {

    static final String SUCCEED = "UPDATE job SET status = '" + JobTransition.SUCCEED.target().name() + "',"
            + " version = version + 1, updated_at = :now, finished_at = :now,"
            + " lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL, error_code = NULL,"
            + " error_message = NULL, error_retryable = NULL, error_http_status = NULL"
            + " WHERE id = :id AND " + JobRepository.HELD + " AND " + allowedFromById(JobTransition.SUCCEED);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final JobRepository repository;

    JobResults(NamedParameterJdbcTemplate jdbc, TransactionTemplate transactions, JobRepository repository) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.repository = repository;
    }

    /** @return per result, in order, whether it was stored (false: the job had moved on) */
    List<Boolean> succeedAll(List<SucceededAttempt> results, Instant now) {
        return transactions.execute(status -> store(results, now));
    }

    private List<Boolean> store(List<SucceededAttempt> results, Instant now) {
        // Rows are locked in id order, as every batch does, so concurrent batches cannot deadlock.
        List<SucceededAttempt> inIdOrder = new ArrayList<>(results);
        inIdOrder.sort(Comparator.comparing(SucceededAttempt::id));
        int[] moved = jdbc.batchUpdate(SUCCEED, inIdOrder.stream()
                .map(r -> new MapSqlParameterSource("now", ts(now)).addValue("id", r.id()).addValue("owner", r.owner())
                        .addValue("attempt", r.attempt()))
                .toArray(SqlParameterSource[]::new));
        List<SucceededAttempt> stored = new ArrayList<>(inIdOrder.size());
        for (int i = 0; i < moved.length; i++) {
            if (moved[i] != 0) {
                stored.add(inIdOrder.get(i));
            }
        }
        if (!stored.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO job_result (job_id, total_words, distinct_words, top_words)"
                            + " VALUES (:id, :total, :distinct, :top)",
                    stored.stream().map(r -> new MapSqlParameterSource("id", r.id())
                                    .addValue("total", r.totalWords())
                                    .addValue("distinct", r.distinctWords())
                                    .addValue("top", r.topWords()))
                            .toArray(SqlParameterSource[]::new));
            SqlParameterSource[] histograms = stored.stream().filter(r -> r.histogram() != null)
                    .map(r -> new MapSqlParameterSource("id", r.id()).addValue("data", r.histogram()))
                    .toArray(SqlParameterSource[]::new);
            if (histograms.length > 0) {
                jdbc.batchUpdate("INSERT INTO job_histogram (job_id, data) VALUES (:id, :data)", histograms);
            }
            List<UUID> ids = stored.stream().map(SucceededAttempt::id).toList();
            jdbc.update("DELETE FROM job_text WHERE job_id IN (:ids)", new MapSqlParameterSource("ids", PaddedIds.padded(ids)));
            // Most jobs ask for no callback: find the few that do, and record their webhooks.
            jdbc.queryForList("SELECT id FROM job WHERE id IN (:ids) AND callback_url IS NOT NULL",
                            new MapSqlParameterSource("ids", PaddedIds.padded(ids)), UUID.class)
                    .forEach(id -> repository.recordWebhook(id, JobStatus.SUCCEEDED, now));
        }
        Map<UUID, Boolean> storedById = stored.stream()
                .collect(Collectors.toMap(SucceededAttempt::id, r -> Boolean.TRUE, (a, b) -> a));
        return results.stream().map(r -> storedById.getOrDefault(r.id(), Boolean.FALSE)).toList();
    }

    /**
     * The outcome of an attempt that produced a result.
     *
     * @param owner the lease holder; the result is stored only if it still holds the job
     * @param attempt the attempt's number; the result is stored only if no later claim was made
     * @param topWords the encoded top words, shown with the job
     * @param histogram the encoded full histogram, or null when {@code topWords} holds every word
     *     (no separate row is stored; {@link JobRepository#histogram} reads the top words then)
     */
    record SucceededAttempt(UUID id, String owner, int attempt, long totalWords, int distinctWords, byte[] topWords,
                            byte[] histogram) {
    }
}
