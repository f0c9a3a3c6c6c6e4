package dev.tally.job;

import dev.tally.correlation.Origin;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * New jobs written as JDBC batches: one statement per table for any number of jobs, so a group
 * of submissions costs about as much as one. Runs in the caller's transaction. Writes the same
 * rows as {@link JobRepository#insert}: the job, its text if any, and its dispatch record when
 * the store is the RabbitMQ outbox.
 */
@Repository
class JobBatchInserts {

    private static final String JOB = """
            INSERT INTO job (id, status, source_type, source_url, text_length, callback_url, attempts, version,
                             created_at, updated_at, next_attempt_at, owner, request_id, trace_parent)
            VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?, ?)""";
    private static final String TEXT = "INSERT INTO job_text (job_id, content) VALUES (?, ?)";
    private static final String DISPATCH = "INSERT INTO job_dispatch (job_id, available_at, created_at) VALUES (?, ?, ?)";

    /** A new job, its submitted text (null for URL jobs) and the request that submitted it (or null). */
    record Row(Job job, byte[] text, Origin origin) {
    }

    private final JdbcTemplate jdbc;
    private final boolean outbox;

    JobBatchInserts(JdbcTemplate jdbc, JobRepository repository) {
        this.jdbc = jdbc;
        this.outbox = repository.usesOutbox();
    }

    void insert(List<Row> rows) {
        jdbc.batchUpdate(JOB, rows, rows.size(), JobBatchInserts::setJob);
        List<Row> texts = rows.stream().filter(row -> row.text() != null).toList();
        if (!texts.isEmpty()) {
            jdbc.batchUpdate(TEXT, texts, texts.size(), (statement, row) -> {
                statement.setObject(1, row.job().id());
                statement.setBytes(2, row.text());
            });
        }
        if (outbox) {
            jdbc.batchUpdate(DISPATCH, rows, rows.size(), (statement, row) -> {
                var created = JobRepository.ts(row.job().createdAt());
                statement.setObject(1, row.job().id());
                statement.setObject(2, created);
                statement.setObject(3, created);
            });
        }
    }

    private static void setJob(PreparedStatement statement, Row row) throws SQLException {
        Job job = row.job();
        var created = JobRepository.ts(job.createdAt());
        statement.setObject(1, job.id());
        statement.setString(2, job.status().name());
        statement.setString(3, job.source().type().name());
        statement.setString(4, job.source().url());
        if (job.source().length() == null) {
            statement.setNull(5, Types.INTEGER);
        } else {
            statement.setInt(5, job.source().length());
        }
        statement.setString(6, job.callbackUrl());
        statement.setObject(7, created);
        statement.setObject(8, created);
        statement.setObject(9, created);
        statement.setString(10, job.owner());
        Origin origin = row.origin() == null ? Origin.NONE : row.origin();
        statement.setString(11, origin.requestId());
        statement.setString(12, origin.traceParent());
    }
}
