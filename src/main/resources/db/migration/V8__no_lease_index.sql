-- The lease index (status, lease_expires_at) only ever served its status prefix: the one query on
-- expired leases reads "status = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at < now)",
-- whose OR keeps either store from ranging on the lease column, and job_due_idx (status,
-- next_attempt_at) has the same prefix. Running jobs are few (at most the workers' slots), so the
-- reconciler reads them from job_due_idx as cheaply. Every job insert and status change wrote this
-- index for nothing.
DROP INDEX IF EXISTS job_lease_idx;
