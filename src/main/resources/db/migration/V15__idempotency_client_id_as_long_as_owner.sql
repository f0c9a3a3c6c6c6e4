-- A client id is an owner of jobs (job.owner, VARCHAR(160)) and scopes idempotency keys: the
-- narrower column here refused ids of 129 to 160 characters ("jwt:" and a long token subject) on
-- every submission with an Idempotency-Key. Widening a VARCHAR rewrites nothing in PostgreSQL.
ALTER TABLE idempotency_key ALTER COLUMN client_id SET DATA TYPE VARCHAR(160);
