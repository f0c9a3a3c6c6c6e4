-- Idempotency-Key of POST /api/v1/jobs, per client. A row is IN_FLIGHT from the first request's
-- start until its job is stored (then it names the job); kept 24 hours, then purged.
CREATE TABLE idempotency_key (
    client_id    VARCHAR(128)             NOT NULL,
    idem_key     VARCHAR(255)             NOT NULL,
    request_hash VARCHAR(64)              NOT NULL,
    job_id       UUID,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (client_id, idem_key)
);

CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
