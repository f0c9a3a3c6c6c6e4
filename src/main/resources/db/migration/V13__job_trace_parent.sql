-- The span of the request that submitted the job (a W3C traceparent), so that the attempts that
-- run it, on whatever node, continue its trace. Null while tracing is off, and for jobs submitted before.
ALTER TABLE job ADD COLUMN trace_parent VARCHAR(64);
