-- The id of the request that submitted the job (X-Request-Id, or one Tally made up), so that the
-- worker that runs it, on whatever node, logs it with the job's id. Null for jobs submitted before.
ALTER TABLE job ADD COLUMN request_id VARCHAR(64);
