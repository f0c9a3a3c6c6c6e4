-- Every job insert and status change writes every index on job. Two of them served a listing
-- across all owners, which no query makes any more (lists are always one owner's, V6); they go.
-- The two per-owner indexes are rebuilt in listing order (newest first), so that a page is read
-- from the index in order instead of sorting all of the owner's jobs (H2 uses an index for ORDER BY
-- only when the ORDER BY starts with its columns; JobRepository.list orders accordingly). The one
-- with status also counts an owner's active jobs for admission.
DROP INDEX IF EXISTS job_created_idx;
DROP INDEX IF EXISTS job_status_created_idx;
DROP INDEX IF EXISTS job_owner_created_idx;
DROP INDEX IF EXISTS job_owner_status_idx;
CREATE INDEX job_owner_newest_idx ON job (owner, created_at DESC, id DESC);
CREATE INDEX job_owner_status_newest_idx ON job (owner, status, created_at DESC, id DESC);
