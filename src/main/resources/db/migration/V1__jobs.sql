-- Portable SQL: runs unchanged on the embedded H2 store and on PostgreSQL.

CREATE TABLE job (
    id                UUID          NOT NULL PRIMARY KEY,
    status            VARCHAR(16)   NOT NULL,
    source_type       VARCHAR(8)    NOT NULL,
    source_url        VARCHAR(2048),
    text_length       INTEGER,
    callback_url      VARCHAR(2048),
    attempts          INTEGER       NOT NULL,
    version           BIGINT        NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE,
    finished_at       TIMESTAMP WITH TIME ZONE,
    -- when a QUEUED job may next be claimed (retries wait for their backoff here)
    next_attempt_at   TIMESTAMP WITH TIME ZONE,
    -- the worker holding a RUNNING job, and until when; an expired lease is handed back
    lease_owner       VARCHAR(64),
    lease_expires_at  TIMESTAMP WITH TIME ZONE,
    error_code        VARCHAR(32),
    error_message     VARCHAR(1000),
    error_retryable   BOOLEAN,
    error_http_status INTEGER
);

CREATE INDEX job_due_idx ON job (status, next_attempt_at);
CREATE INDEX job_lease_idx ON job (status, lease_expires_at);
CREATE INDEX job_created_idx ON job (created_at, id);
CREATE INDEX job_status_created_idx ON job (status, created_at, id);

-- Submitted text waits here until the job ends; it is removed with the terminal transition.
CREATE TABLE job_text (
    job_id  UUID  NOT NULL PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    content BYTEA NOT NULL
);

-- Small and read with every job representation.
CREATE TABLE job_result (
    job_id         UUID    NOT NULL PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    total_words    BIGINT  NOT NULL,
    distinct_words INTEGER NOT NULL,
    top_words      BYTEA   NOT NULL
);

-- Large (the full histogram) and read only by /words, so kept out of the rows above.
CREATE TABLE job_histogram (
    job_id UUID  NOT NULL PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    data   BYTEA NOT NULL
);
