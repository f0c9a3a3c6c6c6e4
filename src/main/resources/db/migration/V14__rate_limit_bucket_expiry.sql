-- When a shared rate-limit bucket is full again, and so may go (epoch milliseconds): Bucket4j
-- writes it with every change, and the security module's cleaner deletes the rows past it. Every
-- distinct client (an anonymous one per address) made a row that stayed for good. Rows written
-- before have no time: they go at the first clean (their clients start from a full bucket).
ALTER TABLE rate_limit_bucket ADD COLUMN expires_at BIGINT;
UPDATE rate_limit_bucket SET expires_at = 0;
CREATE INDEX rate_limit_bucket_expires_idx ON rate_limit_bucket (expires_at);
