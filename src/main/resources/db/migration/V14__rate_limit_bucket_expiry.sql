-- When a shared rate-limit bucket is full again, and so may go (epoch milliseconds): Bucket4j
-- writes it with every change, and the security module's cleaner deletes the rows past it. Every
-- distinct client (an anonymous one per address) made a row that stayed for good. Rows without a
-- time (written before, or by a node of an earlier version during a rolling upgrade) are deleted
-- too: their clients start again from a full bucket. No index: the cleaner reads the small table
-- once a minute, while an indexed column would cost every rate-limited request an index write.
ALTER TABLE rate_limit_bucket ADD COLUMN expires_at BIGINT;
