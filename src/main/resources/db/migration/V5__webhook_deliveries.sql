-- Webhook deliveries: written by the job store in the same transaction as a job's terminal
-- transition (when the job has a callback_url), then delivered and retried by the webhook module.
CREATE TABLE webhook_delivery (
    id              UUID                     NOT NULL PRIMARY KEY,
    job_id          UUID                     NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    event           VARCHAR(32)              NOT NULL,
    url             VARCHAR(2048)            NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    attempts        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    last_status     INTEGER,
    last_error      VARCHAR(500),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_job_idx ON webhook_delivery (job_id);
