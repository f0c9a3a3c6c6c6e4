-- Jobs belong to the client that created them; other clients get 404 for them.
ALTER TABLE job ADD COLUMN owner VARCHAR(160) DEFAULT 'anonymous' NOT NULL;
CREATE INDEX job_owner_created_idx ON job (owner, created_at, id);
CREATE INDEX job_owner_status_idx ON job (owner, status);

-- API keys, stored only as SHA-256 hashes of the secret; the prefix identifies a key in listings.
CREATE TABLE api_key (
    id                    UUID                     NOT NULL PRIMARY KEY,
    name                  VARCHAR(100)             NOT NULL,
    key_hash              VARCHAR(64)              NOT NULL UNIQUE,
    key_prefix            VARCHAR(16)              NOT NULL,
    rate_limit_per_minute INTEGER,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at          TIMESTAMP WITH TIME ZONE,
    revoked_at            TIMESTAMP WITH TIME ZONE
);

-- Bucket4j's shared token buckets (rate limits consistent across API nodes on PostgreSQL).
CREATE TABLE rate_limit_bucket (
    id    VARCHAR(255) NOT NULL PRIMARY KEY,
    state BYTEA
);
