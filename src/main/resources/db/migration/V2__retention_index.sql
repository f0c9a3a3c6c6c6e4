-- Retention purges terminal jobs by finish time.
CREATE INDEX job_finished_idx ON job (finished_at);
