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

    void attachJob(String client, String key, UUID jobId) {
        jdbc.sql("UPDATE idempotency_key SET job_id = :job WHERE client_id = :c AND idem_key = :k")
                .param("job", jobId).param("c", client).param("k", key).update();
    }

    /** Removes a key only if it is still the same (in-flight or expired) row. */
    boolean deleteIfCreatedAt(String client, String key, Instant createdAt) {
        return jdbc.sql("DELETE FROM idempotency_key WHERE client_id = :c AND idem_key = :k AND created_at = :t")
                .param("c", client).param("k", key).param("t", JobRepository.ts(createdAt)).update() == 1;
    }

    void delete(String client, String key) {
        jdbc.sql("DELETE FROM idempotency_key WHERE client_id = :c AND idem_key = :k").param("c", client).param("k", key).update();
    }

    int deleteCreatedBefore(Instant cutoff, int limit) {
        var keys = jdbc.sql("SELECT client_id, idem_key FROM idempotency_key WHERE created_at < :cutoff ORDER BY created_at LIMIT :limit")
                .param("cutoff", JobRepository.ts(cutoff)).param("limit", limit)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        for (String[] k : keys) {
            delete(k[0], k[1]);
        }
        return keys.size();
    }
}
