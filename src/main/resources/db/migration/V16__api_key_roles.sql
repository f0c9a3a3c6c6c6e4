-- What a key may do: 'client' (the API, its own jobs) or 'operator' (that, and the actuator's
-- protected endpoints: metrics cover every client).
ALTER TABLE api_key ADD COLUMN key_role VARCHAR(16) DEFAULT 'client' NOT NULL;
