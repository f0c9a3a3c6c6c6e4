-- Every job insert and status change writes every index on job; these two served a job listing
-- across all owners, which no query makes any more (lists are always one owner's, V6). The
-- per-owner status index gains the listing order, so a status-filtered list reads it in order.
DROP INDEX IF EXISTS job_created_idx;
DROP INDEX IF EXISTS job_status_created_idx;
DROP INDEX IF EXISTS job_owner_status_idx;
CREATE INDEX job_owner_status_created_idx ON job (owner, status, created_at, id);
