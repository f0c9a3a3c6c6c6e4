package dev.tally.job;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Idempotency keys of job submissions, shared by every API node through the store. */
@Repository
class IdempotencyRepository {

    /** A stored key: {@code jobId} is null while its first request is still in flight. */
    record StoredKey(String requestHash, UUID jobId, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    IdempotencyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false if the key already exists */
    boolean tryInsert(String client, String key, String requestHash, Instant now) {
        try {
            jdbc.sql("INSERT INTO idempotency_key (client_id, idem_key, request_hash, created_at) VALUES (:c, :k, :h, :now)")
                    .param("c", client).param("k", key).param("h", requestHash).param("now", JobRepository.ts(now))
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    Optional<StoredKey> find(String client, String key) {
        return jdbc.sql("SELECT request_hash, job_id, created_at FROM idempotency_key WHERE client_id = :c AND idem_key = :k")
                .param("c", client).param("k", key)
                .query((rs, n) -> new StoredKey(rs.getString(1), rs.getObject(2, UUID.class),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Names the job on the key row its request inserted at {@code createdAt}, if that row is still
     * there and names none. @return false when it is not (its request outlived the in-flight
     * timeout, and a retry took the key over)
     */
    boolean attachJob(String client, String key, Instant createdAt, UUID jobId) {
        return jdbc.sql("UPDATE idempotency_key SET job_id = :job"
                        + " WHERE client_id = :c AND idem_key = :k AND created_at = :t AND job_id IS NULL")
                .param("job", jobId).param("c", client).param("k", key).param("t", JobRepository.ts(createdAt))
                .update() == 1;
    }

    /**
     * Removes the key row a request inserted at {@code createdAt} while it names no job: after its
     * submission failed. A failure the commit reported may still have committed (the session ended
     * during COMMIT); then the row names the job, and stays, so a retry with the key finds it.
     */
    void deleteUnattached(String client, String key, Instant createdAt) {
        jdbc.sql("DELETE FROM idempotency_key WHERE client_id = :c AND idem_key = :k AND created_at = :t AND job_id IS NULL")
                .param("c", client).param("k", key).param("t", JobRepository.ts(createdAt)).update();
    }

    /** Removes a key only if it is still the same (in-flight or expired) row. */
    boolean deleteIfCreatedAt(String client, String key, Instant createdAt) {
        return jdbc.sql("DELETE FROM idempotency_key WHERE client_id = :c AND idem_key = :k AND created_at = :t")
                .param("c", client).param("k", key).param("t", JobRepository.ts(createdAt)).update() == 1;
    }

    int deleteCreatedBefore(Instant cutoff, int limit) {
        var keys = jdbc.sql("SELECT client_id, idem_key FROM idempotency_key WHERE created_at < :cutoff ORDER BY created_at LIMIT :limit")
                .param("cutoff", JobRepository.ts(cutoff)).param("limit", limit)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        for (String[] k : keys) {
            jdbc.sql("DELETE FROM idempotency_key WHERE client_id = :c AND idem_key = :k").param("c", k[0]).param("k", k[1]).update();
        }
        return keys.size();
    }
}
